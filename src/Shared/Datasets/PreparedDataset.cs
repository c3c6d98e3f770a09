using HardSamples.Shared.Arrays;
using HardSamples.Shared.Corruption;

namespace HardSamples.Shared.Datasets;

/// <summary>
/// A prepared dataset in memory, as written to / loaded from an artifact store by <see cref="PreparedDatasetStore"/>:
/// normalised samples [N,C,H,W], labels, what was injected into each sample, provenance and splits.
/// </summary>
public sealed class PreparedDataset
{
    /// <summary>Creates the dataset after checking that every per-sample array has length N.</summary>
    public PreparedDataset(PreparedManifest manifest, NdArray<float> samples, int[]? labels, int[]? labelsClean,
        int[] injected, int[] partner, int[] sourceIndex, string[] sourceName, IReadOnlyDictionary<string, int[]> splits)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(samples);
        var n = manifest.Count;
        Expect(samples.Shape.SequenceEqual(new long[] { n, manifest.Channels, manifest.Height, manifest.Width }),
            $"samples have shape {samples.ShapeText}; the manifest says ({n}, {manifest.Channels}, {manifest.Height}, {manifest.Width})");
        Expect((labels is null) == (labelsClean is null) && (labels is not null) == manifest.HasLabels, "labels, clean labels and hasLabels disagree");
        Expect(labels is null || (labels.Length == n && labelsClean!.Length == n), "a label array does not have N entries");
        Expect(injected.Length == n && partner.Length == n && sourceIndex.Length == n && sourceName.Length == n, "a per-sample array does not have N entries");
        foreach (var (name, indices) in splits)
        {
            for (var i = 0; i < indices.Length; i++)
            {
                Expect(indices[i] >= 0 && indices[i] < n, $"split '{name}' holds index {indices[i]} outside [0, {n})");
                Expect(i == 0 || indices[i] > indices[i - 1], $"split '{name}' is not sorted and unique");
            }
        }
        Manifest = manifest;
        Samples = samples;
        Labels = labels;
        LabelsClean = labelsClean;
        Injected = injected;
        Partner = partner;
        SourceIndex = sourceIndex;
        SourceName = sourceName;
        Splits = splits;
    }

    private static void Expect(bool condition, string problem)
    {
        if (!condition) throw new InvalidDataException($"Prepared dataset is inconsistent: {problem}.");
    }

    /// <summary>The manifest (fingerprint and files are filled once written or loaded).</summary>
    public PreparedManifest Manifest { get; internal set; }

    /// <summary>Normalised float32 samples [N,C,H,W].</summary>
    public NdArray<float> Samples { get; }

    /// <summary>Observed labels (after injected flips), or null.</summary>
    public int[]? Labels { get; }

    /// <summary>Labels before flips, or null.</summary>
    public int[]? LabelsClean { get; }

    /// <summary><see cref="InjectedKind"/> codes per sample.</summary>
    public int[] Injected { get; }

    /// <summary>Mixture: the other source index; near-duplicate: the original sample index; else −1.</summary>
    public int[] Partner { get; }

    /// <summary>Source index of each sample (the first source of a mixture, the original's source of a duplicate).</summary>
    public int[] SourceIndex { get; }

    /// <summary>Source name of each sample (file name, or <c>{file}#{index}</c>; <c>a+b</c> for mixtures).</summary>
    public string[] SourceName { get; }

    /// <summary>Sorted sample indices per split name.</summary>
    public IReadOnlyDictionary<string, int[]> Splits { get; }

    /// <summary>N.</summary>
    public int Count => Manifest.Count;

    /// <summary>The injected kind of sample <paramref name="index"/>.</summary>
    public InjectedKind KindOf(int index) => (InjectedKind)Injected[index];

    /// <summary>One normalised sample [C·H·W].</summary>
    public ReadOnlySpan<float> Sample(int index)
    {
        var size = Manifest.Channels * Manifest.Height * Manifest.Width;
        return Samples.Data.AsSpan(index * size, size);
    }
}
