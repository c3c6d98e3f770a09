using System.Text.Json;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Imaging;
using HardSamples.Shared.Ranking;
using HardSamples.Shared.Runs;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Tabular;

namespace HardSamples.Shared.Pruning;

/// <summary>Result of <see cref="Pruner.PruneAsync"/>.</summary>
/// <param name="Directory">Export folder.</param>
/// <param name="Kept">Samples kept.</param>
/// <param name="Candidates">Samples considered.</param>
/// <param name="RedundantDropped">Cluster members left out first.</param>
/// <param name="Files">Files written (relative paths).</param>
public sealed record PruneOutcome(string Directory, int Kept, int Candidates, int RedundantDropped, IReadOnlyList<string> Files);

/// <summary>Everything a run provides for selecting and exporting samples.</summary>
/// <param name="Ranking">The ranking (built and stored first when the run had none).</param>
/// <param name="Summary">Its summary (may be null for rankings from elsewhere).</param>
/// <param name="Metrics">Metric table, when present.</param>
/// <param name="Correlations">Correlations, when present.</param>
/// <param name="Samples">float32 [N,C,H,W].</param>
/// <param name="Labels">Observed labels, or null.</param>
/// <param name="CleanLabels">Clean labels, or null.</param>
/// <param name="Manifest">Prepared manifest, or null.</param>
public sealed record PruneInputs(RankingTable Ranking, RankingSummary? Summary, PerSampleTable? Metrics, CorrelationTable? Correlations,
    NdArray<float> Samples, int[]? Labels, int[]? CleanLabels, DataManifestInfo? Manifest)
{
    /// <summary>Pixel conversion using the manifest's normalisation.</summary>
    public SampleImages Images => new(Samples.Data, Samples.Dim(0), Samples.Dim(1), Samples.Dim(2), Samples.Dim(3), Manifest?.Mean, Manifest?.Std);

    /// <summary>Loads a run; builds and stores its ranking when missing.</summary>
    /// <exception cref="RunNotFoundException">No such run.</exception>
    /// <exception cref="InvalidDataException">No samples, or inputs that disagree.</exception>
    public static async Task<PruneInputs> LoadAsync(IArtifactStore store, string runId, CancellationToken ct = default)
    {
        var run = new RunReader(store, runId);
        await run.EnsureExistsAsync(ct);
        var ranking = await RankingBuilder.TryReadAsync(store, runId, ct);
        RankingSummary? summary;
        if (ranking is null)
        {
            var built = await new RankingBuilder(store).BuildAsync(runId, null, ct);
            (ranking, summary) = (built.Table, built.Summary);
        }
        else summary = await RankingBuilder.TryReadSummaryAsync(store, runId, ct);
        var samples = await run.TryReadNpyAsync<float>(RunBlobNames.Data(runId, "samples.npy"), ct)
                      ?? throw new InvalidDataException($"Run '{runId}' has no prepared samples ({RunBlobNames.Data(runId, "samples.npy")}).");
        samples.RequireRank(4, "samples.npy");
        var labels = (await run.TryReadNpyAsync<int>(RunBlobNames.Data(runId, "labels.npy"), ct))?.Data;
        var clean = (await run.TryReadNpyAsync<int>(RunBlobNames.Data(runId, "labels_clean.npy"), ct))?.Data;
        var n = samples.Dim(0);
        if (labels is not null && labels.Length != n) throw new InvalidDataException($"labels.npy has {labels.Length} entries for {n} samples.");
        if (clean is not null && clean.Length != n) throw new InvalidDataException($"labels_clean.npy has {clean.Length} entries for {n} samples.");
        if (ranking.Rows.Any(r => r.SampleId >= n)) throw new InvalidDataException($"The ranking names sample ids beyond the {n} prepared samples.");
        return new PruneInputs(ranking, summary, await run.TryReadMetricsAsync(ct), await run.TryReadCorrelationsAsync(ct), samples, labels, clean,
            await run.TryReadDataManifestAsync(ct));
    }
}

/// <summary><c>hardsamples prune</c>: keep-list plus filtered dataset export of one run.</summary>
public static class Pruner
{
    /// <summary>
    /// Selects the kept samples and writes <c>keep-list.csv</c>, <c>prune.json</c> and the dataset files into
    /// <paramref name="outputDirectory"/> (all or nothing). Validation happens before anything is read or written.
    /// </summary>
    public static async Task<PruneOutcome> PruneAsync(IArtifactStore store, string runId, PruneRequest request, ExportFormat format, string outputDirectory, CancellationToken ct = default)
    {
        request.Validate();
        var inputs = await PruneInputs.LoadAsync(store, runId, ct);
        var selection = PruneSelector.Select(inputs.Ranking, request, inputs.Metrics, inputs.Correlations, inputs.Summary?.Target);
        var files = new List<ExportFile> { new(PruneExport.KeepListName, PruneExport.KeepListCsv(selection)) };
        files.AddRange(PruneExport.DatasetFiles(selection.Rows.Select(r => r.SampleId), inputs.Samples, inputs.Labels, inputs.Images, format));
        var meta = new
        {
            runId,
            keep = request.Keep,
            by = request.By,
            strategy = request.IsRandom ? "random" : request.Strategy.ToString().ToLowerInvariant(),
            seed = request.Seed,
            perClass = request.PerClass,
            format = format.ToString().ToLowerInvariant(),
            kept = selection.Rows.Count,
            candidates = selection.Candidates,
            redundantDropped = selection.RedundantDropped,
            metricOrientation = selection.Orientation,
            target = inputs.Summary?.Target,
            createdAt = DateTimeOffset.UtcNow,
        };
        files.Add(new("prune.json", JsonSerializer.SerializeToUtf8Bytes(meta, new JsonSerializerOptions { WriteIndented = true })));
        ExportWriter.CommitToDirectory(files, outputDirectory);
        return new PruneOutcome(Path.GetFullPath(outputDirectory), selection.Rows.Count, selection.Candidates, selection.RedundantDropped, files.Select(f => f.RelativePath).ToList());
    }
}
