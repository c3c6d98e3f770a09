namespace HardSamples.Shared.Datasets;

/// <summary>
/// Per-channel normalisation applied to unit-scale pixels: (x − mean[c]) / std[c] computed in float32 with the
/// constants rounded to float32, which is bit for bit torchvision's <c>Normalize</c> after <c>ToTensor</c>.
/// </summary>
/// <param name="Name"><c>mnist</c>, <c>data</c> (measured on the source) or <c>custom</c>.</param>
/// <param name="Mean">Mean per channel (or one value for every channel).</param>
/// <param name="Std">Standard deviation per channel (or one value for every channel).</param>
public sealed record Normalization(string Name, double[] Mean, double[] Std)
{
    /// <summary>The seed's MNIST constants: mean 0.1307, std 0.3081.</summary>
    public static Normalization Mnist { get; } = new("mnist", [0.1307], [0.3081]);

    /// <summary>A request to measure mean and std on the data (<see cref="FromData"/>) while preparing.</summary>
    public static Normalization MeasureOnData { get; } = new("data", [], []);

    /// <summary>True for <see cref="MeasureOnData"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsMeasureRequest => Mean.Length == 0 && Std.Length == 0;

    /// <summary>Explicit constants.</summary>
    public static Normalization Custom(double[] mean, double[] std) => new("custom", mean, std);

    /// <summary>Mean and population std per channel of the source's unit-scale pixels (computed in float64).</summary>
    public static Normalization FromData(SourceDataset source)
    {
        ArgumentNullException.ThrowIfNull(source);
        int c = source.Channels, plane = source.Height * source.Width;
        var sum = new double[c];
        var sumSq = new double[c];
        var buffer = new float[source.ImageSize];
        for (var i = 0; i < source.Count; i++)
        {
            source.ReadUnit(i, buffer);
            for (var ch = 0; ch < c; ch++)
            {
                double s = 0, s2 = 0;
                foreach (var v in buffer.AsSpan(ch * plane, plane))
                {
                    s += v;
                    s2 += (double)v * v;
                }
                sum[ch] += s;
                sumSq[ch] += s2;
            }
        }
        var n = (double)source.Count * plane;
        var mean = sum.Select(s => s / n).ToArray();
        var std = sumSq.Select((s2, ch) => Math.Sqrt(Math.Max(s2 / n - mean[ch] * mean[ch], 0))).ToArray();
        if (std.Any(s => s == 0))
            throw new InvalidDataException($"{source.Description}: a channel is constant over the whole dataset; cannot normalise by its standard deviation.");
        return new Normalization("data", mean.Select(m => Math.Round(m, 6)).ToArray(), std.Select(s => Math.Round(s, 6)).ToArray());
    }

    /// <summary>The constants expanded to <paramref name="channels"/> values; throws when the counts do not fit.</summary>
    public Normalization ForChannels(int channels)
    {
        if (Mean.Length != Std.Length || (Mean.Length != 1 && Mean.Length != channels))
            throw new ArgumentException($"Normalisation '{Name}' has {Mean.Length} means and {Std.Length} stds; the data has {channels} channel(s).");
        if (Std.Any(s => !(s > 0) || !double.IsFinite(s)) || Mean.Any(m => !double.IsFinite(m)))
            throw new ArgumentException($"Normalisation '{Name}' needs finite means and positive stds.");
        return Mean.Length == channels ? this : this with { Mean = Enumerable.Repeat(Mean[0], channels).ToArray(), Std = Enumerable.Repeat(Std[0], channels).ToArray() };
    }

    /// <summary>Normalises one unit-scale image [C,H,W] in place.</summary>
    public void Apply(Span<float> image, int channels)
    {
        var plane = image.Length / channels;
        for (var c = 0; c < channels; c++)
        {
            var m = (float)Mean[c];
            var s = (float)Std[c];
            var span = image.Slice(c * plane, plane);
            for (var i = 0; i < span.Length; i++) span[i] = (span[i] - m) / s;
        }
    }

    /// <summary>For uint8 sources: the normalised value of each byte per channel, [(float)(b/255f − m)/s].</summary>
    public float[][] ByteLookup(int channels)
    {
        var lut = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            var m = (float)Mean[c];
            var s = (float)Std[c];
            lut[c] = new float[256];
            for (var b = 0; b < 256; b++) lut[c][b] = (b / 255f - m) / s;
        }
        return lut;
    }
}
