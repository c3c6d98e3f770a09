using System.Globalization;
using System.Text;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Metrics.Extended;
using HardSamples.Shared.Metrics.Kernels;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Tables;

namespace HardSamples.Shared.Metrics.Shards;

/// <summary>
/// One autoencoder-derived metric shard: a <see cref="MetricFamily"/> work unit (<c>series</c>, <c>lid</c>,
/// <c>silhouette</c>, <c>extended</c>) or the near-duplicate pairs (<c>neardup</c>) of one epoch. Everything it needs
/// travels as flat strings (<see cref="ToSettings"/>), so a metric activity and a GpuRunner <c>metrics</c> job (which
/// knows nothing of the workflow) compute the same shard.
/// </summary>
/// <param name="Family">Family name (lower case).</param>
/// <param name="Epoch">Snapshot epoch (snapshot families and neardup).</param>
/// <param name="RowStart">First sample row (series).</param>
/// <param name="RowCount">Sample rows (series).</param>
/// <param name="Epochs">Recorded epochs E of the autoencoder (decides the suite schedule).</param>
/// <param name="AutoencoderPrefix">Output prefix of the autoencoder job (<c>embeddings.npy</c>, <c>losses.npy</c>); empty for <c>neardup</c> without one.</param>
/// <param name="DataPrefix">Prefix of the prepared dataset (<c>samples.npy</c>: the near-duplicate search works on the images).</param>
/// <param name="SampleSplit">
/// <c>neardup</c> only: search among the samples of this split (<c>splits/{name}.npy</c>, e.g. <c>train</c> when the run
/// holds out a test split) instead of all; the column then has one row per split sample and the pairs name sample ids.
/// Empty = every sample.
/// </param>
public sealed record AutoencoderShardRequest(string Family, int Epoch, int RowStart, int RowCount, int Epochs, string AutoencoderPrefix, string DataPrefix = "",
    string SampleSplit = "")
{
    /// <summary>Families this request type covers.</summary>
    public static readonly IReadOnlyList<string> Families = ["series", "lid", "silhouette", "extended", "neardup"];

    /// <summary>The request as flat settings (<c>family</c>, <c>epoch</c>, <c>rowStart</c>, <c>rowCount</c>, <c>epochs</c>, <c>aePrefix</c>, <c>dataPrefix</c>).</summary>
    public IReadOnlyDictionary<string, string> ToSettings() => new Dictionary<string, string>
    {
        ["family"] = Family,
        ["epoch"] = Epoch.ToString(CultureInfo.InvariantCulture),
        ["rowStart"] = RowStart.ToString(CultureInfo.InvariantCulture),
        ["rowCount"] = RowCount.ToString(CultureInfo.InvariantCulture),
        ["epochs"] = Epochs.ToString(CultureInfo.InvariantCulture),
        ["aePrefix"] = AutoencoderPrefix,
        ["dataPrefix"] = DataPrefix,
        ["sampleSplit"] = SampleSplit,
    };

    /// <summary>Reads what <see cref="ToSettings"/> wrote.</summary>
    /// <exception cref="InvalidDataException">A setting is missing or malformed, or the family is unknown.</exception>
    public static AutoencoderShardRequest FromSettings(IReadOnlyDictionary<string, string> settings)
    {
        string Text(string key) => settings.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v)
            ? v : throw new InvalidDataException($"Metric shard setting '{key}' is missing.");
        int Int(string key) => int.TryParse(Text(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v : throw new InvalidDataException($"Metric shard setting '{key}' must be a non-negative integer; got '{settings[key]}'.");
        var family = Text("family");
        if (!Families.Contains(family)) throw new InvalidDataException($"Metric family '{family}' is not computed from autoencoder outputs (known: {string.Join(", ", Families)}).");
        string Prefix(string key, bool required)
        {
            var prefix = settings.TryGetValue(key, out var v) ? v : "";
            if (prefix.Length == 0 && !required) return "";
            if (!prefix.EndsWith('/')) throw new InvalidDataException($"Metric shard setting '{key}' must end with '/'; got '{prefix}'.");
            try { ArtifactName.Validate(prefix.TrimEnd('/')); }
            catch (ArgumentException e) { throw new InvalidDataException($"Metric shard setting '{key}' is not a valid artifact name: {e.Message}", e); }
            return prefix;
        }
        var nearDuplicates = family == "neardup";
        var split = settings.TryGetValue("sampleSplit", out var sv) ? sv ?? "" : "";
        if (split.Length > 0 && (split.Length > 64 || !split.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw new InvalidDataException($"Metric shard setting 'sampleSplit' must be a split name (letters, digits, '-', '_'); got '{split}'.");
        var request = new AutoencoderShardRequest(family, Int("epoch"), Int("rowStart"), Int("rowCount"), Int("epochs"),
            Prefix("aePrefix", required: !nearDuplicates), Prefix("dataPrefix", required: nearDuplicates), split);
        if (request.Epochs < 1 && !nearDuplicates) throw new InvalidDataException("Metric shard setting 'epochs' must be at least 1.");
        return request;
    }
}

/// <summary>Computes <see cref="AutoencoderShardRequest"/>s from the autoencoder's stored arrays.</summary>
public static class AutoencoderShards
{
    /// <summary>Column of the near-duplicate shard: shift-tolerant RMS pixel distance to the closest other sample.</summary>
    public const string NearestPixelDistanceColumn = "nn_pixel_dist";

    /// <summary>
    /// Snapshot and aggregation schedule for <paramref name="epochs"/> recorded epochs: the seed's (every 10,
    /// k ∈ {0,10,20}) for long runs, about ten snapshots and k ∈ {0, E/2} for short ones.
    /// </summary>
    public static MetricSuiteOptions SuiteOptions(int epochs) => epochs >= 100
        ? new MetricSuiteOptions { Extended = true }
        : new MetricSuiteOptions
        {
            Ks = epochs >= 4 ? [0, epochs / 2] : [0],
            LidEvery = Math.Max(1, epochs / 10),
            SilhouetteEvery = Math.Max(1, epochs / 10),
            Extended = true,
        };

    /// <summary>Computes the shard with <paramref name="kernel"/> doing the distance work.</summary>
    /// <exception cref="InvalidDataException">The stored arrays are missing, malformed or disagree with the request.</exception>
    public static async Task<MetricPart> ComputeAsync(IArtifactStore store, AutoencoderShardRequest request, IDistanceKernel kernel, CancellationToken cancellationToken = default)
    {
        if (request.Family == "neardup")
        {
            var samples = await StoreArrays.ReadAsync<float>(store, request.DataPrefix + "samples.npy", cancellationToken);
            if (samples.Rank != 4) throw new InvalidDataException($"{request.DataPrefix}samples.npy must be [N, C, H, W]; it is [{string.Join(", ", samples.Shape)}].");
            var (images, ids) = await SearchSetAsync(store, request, samples, cancellationToken);
            var found = await Task.Run(() => PixelNearDuplicates.Find(images, ids?.Length ?? samples.Dim(0), samples.Dim(1), samples.Dim(2), samples.Dim(3),
                new PixelNearDuplicateOptions(), kernel, cancellationToken), cancellationToken);
            var csv = new StringBuilder("sample_a,sample_b,distance\n");
            foreach (var p in found.Pairs)
                csv.Append(CultureInfo.InvariantCulture, $"{ids?[p.First] ?? p.First},{ids?[p.Second] ?? p.Second},{MetricTableWriter.Format(p.Distance)}\n");
            return new MetricPart([NearestPixelDistanceColumn], 0, [found.NearestDistance], csv.ToString());
        }
        var embeddings = await StoreArrays.ReadAsync<float>(store, request.AutoencoderPrefix + "embeddings.npy", cancellationToken);
        var losses = await StoreArrays.ReadAsync<float>(store, request.AutoencoderPrefix + "losses.npy", cancellationToken);
        var options = SuiteOptions(embeddings.Dim(0));
        var unit = new MetricWorkUnit(Enum.Parse<MetricFamily>(request.Family, ignoreCase: true), request.Epoch, request.RowStart, request.RowCount);
        var computed = await Task.Run(() => MetricSuite.ComputeUnit(unit, embeddings, losses, options, kernel, cancellationToken), cancellationToken);
        return new MetricPart(computed.Columns.Select(c => c.Name).ToList(), unit.Family == MetricFamily.Series ? unit.RowStart : 0,
            computed.Columns.Select(c => c.Values).ToList(), null);
    }

    /// <summary>The images the near-duplicate search covers: all, or those of <see cref="AutoencoderShardRequest.SampleSplit"/> with their sample ids.</summary>
    private static async Task<(float[] Images, int[]? Ids)> SearchSetAsync(IArtifactStore store, AutoencoderShardRequest request, NdArray<float> samples, CancellationToken ct)
    {
        if (request.SampleSplit.Length == 0) return (samples.Data, null);
        var name = request.DataPrefix + $"splits/{request.SampleSplit}.npy";
        var ids = (await StoreArrays.ReadAsync<int>(store, name, ct)).Data;
        int count = samples.Dim(0), size = samples.Dim(1) * samples.Dim(2) * samples.Dim(3);
        var images = new float[(long)ids.Length * size];
        for (var i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)count) throw new InvalidDataException($"{name} names sample {ids[i]}, outside 0..{count - 1}.");
            Array.Copy(samples.Data, (long)ids[i] * size, images, (long)i * size, size);
        }
        return (images, ids);
    }
}
