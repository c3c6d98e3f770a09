namespace HardSamples.Shared.Datasets;

/// <summary>What <see cref="DatasetInspector.Inspect"/> found.</summary>
/// <param name="Kind">Reader kind.</param>
/// <param name="Description">Source path or alias.</param>
/// <param name="Count">N.</param>
/// <param name="Channels">C.</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
/// <param name="PixelType">Storage type.</param>
/// <param name="Min">Smallest unit-scale pixel value.</param>
/// <param name="Max">Largest unit-scale pixel value.</param>
/// <param name="Mean">Mean unit-scale pixel value.</param>
/// <param name="LabelHistogram">Samples per class id, or null when unlabeled.</param>
/// <param name="ClassNames">Class names, or null.</param>
/// <param name="Problems">Findings that may hurt a run (duplicates, blank images, empty classes, imbalance, …).</param>
public sealed record DatasetInspection(string Kind, string Description, int Count, int Channels, int Height, int Width, PixelType PixelType,
    double Min, double Max, double Mean, int[]? LabelHistogram, IReadOnlyList<string>? ClassNames, IReadOnlyList<string> Problems);

/// <summary>Summarises a source and lists problems found in it (the reader has already rejected invalid input).</summary>
public static class DatasetInspector
{
    /// <summary>Ratio of largest to smallest class above which the imbalance is reported.</summary>
    public const double ImbalanceRatio = 10.0;

    /// <summary>Inspects every image once.</summary>
    public static DatasetInspection Inspect(SourceDataset source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var problems = new List<string>(source.Notes);
        var size = source.ImageSize;
        double min = double.MaxValue, max = double.MinValue, sum = 0;
        var constant = 0;
        var firstConstant = -1;
        var seen = new Dictionary<ulong, List<int>>();
        var duplicates = 0;
        var firstDuplicate = (-1, -1);
        var unit = new float[size];
        for (var i = 0; i < source.Count; i++)
        {
            source.ReadUnit(i, unit);
            float lo = float.MaxValue, hi = float.MinValue;
            double s = 0;
            foreach (var v in unit)
            {
                if (v < lo) lo = v;
                if (v > hi) hi = v;
                s += v;
            }
            min = Math.Min(min, lo);
            max = Math.Max(max, hi);
            sum += s;
            if (lo == hi)
            {
                constant++;
                if (firstConstant < 0) firstConstant = i;
            }
            var hash = Hash(unit);
            if (seen.TryGetValue(hash, out var same))
            {
                var match = same.FirstOrDefault(j => ImageEquals(source, i, j), -1);
                if (match >= 0)
                {
                    duplicates++;
                    if (firstDuplicate.Item1 < 0) firstDuplicate = (match, i);
                    continue;
                }
                same.Add(i);
            }
            else
            {
                seen[hash] = [i];
            }
        }
        if (duplicates > 0)
            problems.Add($"{duplicates} exact duplicate image(s) (first: {source.SampleName(firstDuplicate.Item1)} = {source.SampleName(firstDuplicate.Item2)})");
        if (constant > 0)
            problems.Add($"{constant} blank (constant) image(s) (first: {source.SampleName(firstConstant)})");
        if (source.PixelType == PixelType.Float32 && (min < 0 || max > 1))
            problems.Add($"float pixels span [{min:G4}, {max:G4}], outside the unit range [0, 1] this tool assumes for float input");

        int[]? histogram = null;
        if (source.Labels is { } labels)
        {
            histogram = new int[source.ClassCount];
            foreach (var l in labels) histogram[l]++;
            var empty = Enumerable.Range(0, histogram.Length).Where(c => histogram[c] == 0).ToArray();
            if (empty.Length > 0)
                problems.Add($"{empty.Length} class(es) without samples: {string.Join(", ", empty.Take(10).Select(c => ClassLabel(source, c)))}");
            if (histogram.Length == 1) problems.Add("only one class: label flips and SSFT need at least two");
            var nonEmpty = histogram.Where(h => h > 0).ToArray();
            if (nonEmpty.Length > 1 && nonEmpty.Max() > ImbalanceRatio * nonEmpty.Min())
                problems.Add($"classes are imbalanced: largest {nonEmpty.Max()} vs smallest {nonEmpty.Min()} samples");
        }
        else
        {
            problems.Add("unlabeled: SSFT, label flips and stratified splits are unavailable");
        }
        return new DatasetInspection(source.Kind, source.Description, source.Count, source.Channels, source.Height, source.Width,
            source.PixelType, min, max, sum / ((double)source.Count * size), histogram, source.ClassNames, problems);
    }

    private static string ClassLabel(SourceDataset source, int c) => source.ClassNames is { } names ? $"{c} ({names[c]})" : c.ToString();

    private static ulong Hash(ReadOnlySpan<float> values)
    {
        var h = 14695981039346656037UL;
        foreach (var b in System.Runtime.InteropServices.MemoryMarshal.AsBytes(values))
        {
            h ^= b;
            h *= 1099511628211UL;
        }
        return h;
    }

    private static bool ImageEquals(SourceDataset source, int a, int b)
    {
        var size = source.ImageSize;
        return source.Bytes is not null
            ? source.Bytes.AsSpan(a * size, size).SequenceEqual(source.Bytes.AsSpan(b * size, size))
            : source.Floats.AsSpan(a * size, size).SequenceEqual(source.Floats.AsSpan(b * size, size));
    }
}
