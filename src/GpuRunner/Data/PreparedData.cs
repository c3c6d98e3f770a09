using System.Text.Json;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Storage;

namespace HardSamples.GpuRunner.Data;

/// <summary>
/// A prepared dataset read from the artifact store under a prefix P (contract: <c>P/samples.npy</c> float32
/// [N,C,H,W] normalised, <c>P/labels.npy</c> int32 [N] optional, <c>P/splits/{name}.npy</c> int32 sorted indices,
/// <c>P/manifest.json</c> optional here: only its <c>classCount</c> is used).
/// </summary>
public sealed class PreparedData
{
    private PreparedData(string prefix, NdArray<float> samples, int[]? labels, int classCount)
    {
        Prefix = prefix;
        Samples = samples;
        Labels = labels;
        ClassCount = classCount;
    }

    /// <summary>The store prefix it was read from (ends with '/', or empty).</summary>
    public string Prefix { get; }

    /// <summary>Images [N,C,H,W].</summary>
    public NdArray<float> Samples { get; }

    /// <summary>Observed labels, or null for unlabeled data.</summary>
    public int[]? Labels { get; }

    /// <summary>Number of classes (manifest <c>classCount</c>, else max label + 1, 0 when unlabeled).</summary>
    public int ClassCount { get; }

    /// <summary>Sample count N.</summary>
    public int Count => Samples.Dim(0);

    /// <summary>Reads samples, labels and the class count.</summary>
    /// <exception cref="InvalidDataException">A missing or malformed array, or labels that do not match the samples.</exception>
    public static async Task<PreparedData> LoadAsync(IArtifactStore store, string prefix, CancellationToken cancellationToken = default)
    {
        prefix = NormalizePrefix(prefix);
        var samplesName = prefix + "samples.npy";
        if (!await store.ExistsAsync(samplesName, cancellationToken))
            throw new InvalidDataException($"Prepared dataset '{prefix}' has no samples.npy (expected float32 [N,C,H,W]).");
        NdArray<float> samples;
        await using (var s = await store.OpenReadAsync(samplesName, cancellationToken))
        {
            samples = Npy.Read<float>(s, samplesName).RequireRank(4, samplesName);
        }
        if (samples.Shape[0] == 0) throw new InvalidDataException($"{samplesName} holds no samples.");
        foreach (var v in samples.Data)
        {
            if (!float.IsFinite(v)) throw new InvalidDataException($"{samplesName} contains non-finite values.");
        }

        int[]? labels = null;
        var labelsName = prefix + "labels.npy";
        if (await store.ExistsAsync(labelsName, cancellationToken))
        {
            await using var s = await store.OpenReadAsync(labelsName, cancellationToken);
            var l = Npy.Read<int>(s, labelsName).RequireRank(1, labelsName);
            if (l.Shape[0] != samples.Shape[0])
                throw new InvalidDataException($"{labelsName} has {l.Shape[0]} labels for {samples.Shape[0]} samples.");
            if (l.Data.Any(v => v < 0)) throw new InvalidDataException($"{labelsName} contains negative labels.");
            labels = l.Data;
        }

        var classCount = labels is null || labels.Length == 0 ? 0 : labels.Max() + 1;
        var manifestName = prefix + "manifest.json";
        if (await store.ExistsAsync(manifestName, cancellationToken))
        {
            await using var s = await store.OpenReadAsync(manifestName, cancellationToken);
            using var doc = await JsonDocument.ParseAsync(s, cancellationToken: cancellationToken);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.NameEquals("classCount") || string.Equals(property.Name, "classCount", StringComparison.OrdinalIgnoreCase))
                {
                    if (property.Value.ValueKind == JsonValueKind.Number && property.Value.GetInt32() > 0)
                    {
                        var declared = property.Value.GetInt32();
                        if (declared < classCount)
                            throw new InvalidDataException($"{manifestName} declares {declared} classes but labels reach {classCount - 1}.");
                        classCount = declared;
                    }
                }
            }
        }
        return new PreparedData(prefix, samples, labels, classCount);
    }

    /// <summary>
    /// Sorted sample indices of a named split: <c>all</c> (or empty) = every sample, otherwise
    /// <c>P/splits/{name}.npy</c>, validated (int32, sorted, unique, in range).
    /// </summary>
    public async Task<int[]> ReadSplitAsync(IArtifactStore store, string? name, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(name) || name == "all") return Enumerable.Range(0, Count).ToArray();
        var splitName = ArtifactName.Validate(Prefix + "splits/" + name + ".npy");
        if (!await store.ExistsAsync(splitName, cancellationToken))
            throw new InvalidDataException($"Split '{name}' does not exist ({splitName}).");
        await using var s = await store.OpenReadAsync(splitName, cancellationToken);
        var indices = Npy.Read<int>(s, splitName).RequireRank(1, splitName).Data;
        if (indices.Length == 0) throw new InvalidDataException($"Split '{name}' is empty.");
        for (var i = 0; i < indices.Length; i++)
        {
            if (indices[i] < 0 || indices[i] >= Count)
                throw new InvalidDataException($"Split '{name}' holds index {indices[i]} outside [0, {Count}).");
            if (i > 0 && indices[i] <= indices[i - 1])
                throw new InvalidDataException($"Split '{name}' is not sorted and unique at position {i}.");
        }
        return indices;
    }

    /// <summary>The samples at <paramref name="indices"/> as a new [n,C,H,W] buffer.</summary>
    public float[] Gather(IReadOnlyList<int> indices)
    {
        var size = checked((int)(Samples.Shape[1] * Samples.Shape[2] * Samples.Shape[3]));
        var result = new float[checked(indices.Count * size)];
        for (var i = 0; i < indices.Count; i++)
            Array.Copy(Samples.Data, (long)indices[i] * size, result, (long)i * size, size);
        return result;
    }

    internal static string NormalizePrefix(string prefix) =>
        prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";
}
