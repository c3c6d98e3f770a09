using System.Text.Json;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Pruning;
using HardSamples.Shared.Ranking;
using HardSamples.Shared.Runs;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Tabular;

namespace HardSamples.Shared.Reporting;

/// <summary>Training curves of one probe job.</summary>
/// <param name="Job">Job folder name under <c>probes/</c>.</param>
/// <param name="TrainLoss">Training loss per epoch (empty when absent).</param>
/// <param name="MeanSampleLoss">Mean per-sample loss per recorded epoch (empty when absent).</param>
public sealed record ProbeCurves(string Job, double[] TrainLoss, double[] MeanSampleLoss);

/// <summary>Everything the report shows, each part optional; <see cref="Problems"/> says why a part is missing or unreadable.</summary>
public sealed class ReportData
{
    /// <summary>Run id.</summary>
    public required string RunId { get; init; }
    /// <summary>Run manifest (raw).</summary>
    public JsonElement? RunManifest { get; set; }
    /// <summary>Prepared dataset manifest.</summary>
    public DataManifestInfo? DataManifest { get; set; }
    /// <summary>Per-sample metrics.</summary>
    public PerSampleTable? Metrics { get; set; }
    /// <summary>Correlations.</summary>
    public CorrelationTable? Correlations { get; set; }
    /// <summary>Ranking.</summary>
    public RankingTable? Ranking { get; set; }
    /// <summary>Ranking summary.</summary>
    public RankingSummary? RankingSummary { get; set; }
    /// <summary>Samples [N,C,H,W].</summary>
    public NdArray<float>? Samples { get; set; }
    /// <summary>Observed labels.</summary>
    public int[]? Labels { get; set; }
    /// <summary>Clean labels.</summary>
    public int[]? CleanLabels { get; set; }
    /// <summary>Injected kinds.</summary>
    public int[]? Injected { get; set; }
    /// <summary>Probe job folders found.</summary>
    public List<string> ProbeJobs { get; } = [];
    /// <summary>Training curves.</summary>
    public List<ProbeCurves> Curves { get; } = [];
    /// <summary>Pruning evaluation rows.</summary>
    public List<PruningResultRow>? Pruning { get; set; }
    /// <summary>Problems by input name (missing or unreadable).</summary>
    public Dictionary<string, string> Problems { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Loads whatever the run has. A missing or unreadable input is recorded in <see cref="Problems"/> and its sections
    /// say so; only an unknown run throws. When there is a metric table but no ranking, the ranking is built and stored.
    /// </summary>
    /// <exception cref="RunNotFoundException">No such run.</exception>
    public static async Task<ReportData> LoadAsync(IArtifactStore store, string runId, CancellationToken ct = default)
    {
        var run = new RunReader(store, runId);
        await run.EnsureExistsAsync(ct);
        var d = new ReportData { RunId = runId };
        async Task<T?> Try<T>(string what, Func<Task<T?>> load, string missing) where T : class
        {
            try
            {
                var v = await load();
                if (v is null) d.Problems[what] = missing;
                return v;
            }
            catch (Exception ex) when (ex is InvalidDataException or JsonException or ArgumentException or FormatException or OverflowException)
            {
                d.Problems[what] = $"unreadable: {ex.Message}";
                return null;
            }
        }
        var manifestText = await Try("run manifest", () => run.TryReadTextAsync(RunBlobNames.RunManifest(runId), ct), "no manifest.json");
        if (manifestText is not null)
        {
            try { d.RunManifest = JsonDocument.Parse(manifestText).RootElement.Clone(); }
            catch (JsonException ex) { d.Problems["run manifest"] = $"unreadable: {ex.Message}"; }
        }
        d.DataManifest = await Try("dataset manifest", () => run.TryReadDataManifestAsync(ct), "no data/manifest.json");
        d.Metrics = await Try("metrics", () => run.TryReadMetricsAsync(ct), "no results/metrics.csv");
        d.Correlations = await Try("correlations", () => run.TryReadCorrelationsAsync(ct), "no results/correlations.csv");
        d.Ranking = await Try("ranking", () => RankingBuilder.TryReadAsync(store, runId, ct), "no results/ranking.csv");
        if (d.Ranking is not null)
            d.RankingSummary = await Try("ranking summary", () => RankingBuilder.TryReadSummaryAsync(store, runId, ct), "no results/ranking.json");
        else if (d.Metrics is not null)
        {
            try
            {
                var built = await new RankingBuilder(store).BuildAsync(runId, null, ct);
                (d.Ranking, d.RankingSummary) = (built.Table, built.Summary);
                d.Problems.Remove("ranking");
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException)
            {
                d.Problems["ranking"] = $"could not be built: {ex.Message}";
            }
        }
        d.Samples = await Try("samples", () => run.TryReadNpyAsync<float>(RunBlobNames.Data(runId, "samples.npy"), ct), "no data/samples.npy");
        if (d.Samples is not null && d.Samples.Rank != 4)
        {
            d.Problems["samples"] = $"data/samples.npy has shape {d.Samples.ShapeText}, expected [N,C,H,W]";
            d.Samples = null;
        }
        d.Labels = (await Try("labels", () => run.TryReadNpyAsync<int>(RunBlobNames.Data(runId, "labels.npy"), ct), "no data/labels.npy"))?.Data;
        d.CleanLabels = (await Try("clean labels", () => run.TryReadNpyAsync<int>(RunBlobNames.Data(runId, "labels_clean.npy"), ct), "no data/labels_clean.npy"))?.Data;
        d.Injected = (await Try("injected", () => run.TryReadNpyAsync<int>(RunBlobNames.Data(runId, "injected.npy"), ct), "no data/injected.npy"))?.Data;

        var probesPrefix = RunBlobNames.ProbesPrefix(runId);
        var jobs = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var blob in store.ListAsync(probesPrefix, ct))
        {
            var rest = blob.Name[probesPrefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash > 0) jobs.Add(rest[..slash]);
        }
        d.ProbeJobs.AddRange(jobs);
        foreach (var job in jobs)
        {
            var train = await Try($"probe {job} train_loss", () => run.TryReadNpyAsync<double>(probesPrefix + job + "/train_loss.npy", ct), "absent");
            var losses = await Try($"probe {job} losses", () => run.TryReadNpyAsync<double>(probesPrefix + job + "/losses.npy", ct), "absent");
            d.Problems.Remove($"probe {job} train_loss");
            d.Problems.Remove($"probe {job} losses");
            double[] mean = [];
            if (losses is { Rank: 2 })
            {
                int e = losses.Dim(0), n = losses.Dim(1);
                mean = Enumerable.Range(0, e).Select(t => n == 0 ? double.NaN : losses.Data.AsSpan(t * n, n).ToArray().Average()).ToArray();
            }
            if (train is not null || mean.Length > 0) d.Curves.Add(new ProbeCurves(job, train?.Data ?? [], mean));
        }
        var pruning = await Try("pruning", () => run.TryReadBytesAsync(RunBlobNames.PruningCsv(runId), ct), "not evaluated (run hardsamples evaluate-pruning)");
        if (pruning is not null)
        {
            try { d.Pruning = PruningEvaluator.ReadCsv(new MemoryStream(pruning), RunBlobNames.PruningCsv(runId)); }
            catch (InvalidDataException ex) { d.Problems["pruning"] = $"unreadable: {ex.Message}"; }
        }
        return d;
    }
}
