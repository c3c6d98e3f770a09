using System.Text.Json;
using System.Text.Json.Serialization;
using HardSamples.Shared.Runs;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Tabular;

namespace HardSamples.Shared.Ranking;

/// <summary>Everything that shapes a ranking.</summary>
public sealed record RankingOptions
{
    /// <summary>Metric choice and combination.</summary>
    public HardnessOptions Hardness { get; init; } = new();

    /// <summary>SSFT thresholds.</summary>
    public SsftOptions Ssft { get; init; } = new();

    /// <summary>Learning-time column; null = detect (<see cref="SsftColumns"/>).</summary>
    public string? LearnColumn { get; init; }

    /// <summary>Forgetting-time column; null = detect.</summary>
    public string? ForgetColumn { get; init; }
}

/// <summary>Finds the SSFT learning/forgetting time columns of a metric table.</summary>
public static class SsftColumns
{
    /// <summary>Learning-time names tried first, in order.</summary>
    public static readonly IReadOnlyList<string> LearnNames = ["ssft_learn_step", "ssft_learning_step", "ssft_learn_time", "learning_step", "learn_time", "learning_time"];

    /// <summary>Forgetting-time names tried first, in order.</summary>
    public static readonly IReadOnlyList<string> ForgetNames = ["ssft_forget_step", "ssft_forgetting_step", "ssft_forget_time", "forgetting_step_with_sentinel", "forgetting_step", "forget_time", "forgetting_time"];

    /// <summary>
    /// The learning and forgetting columns: an explicit name (must exist), else the first of the preferred names present,
    /// else the single column whose name contains <c>learn</c> (<c>forget</c>) and <c>step</c> or <c>time</c> but not <c>epoch</c>.
    /// Null when none or several match.
    /// </summary>
    /// <exception cref="ArgumentException">An explicit column is missing.</exception>
    public static (string? Learn, string? Forget) Detect(PerSampleTable table, string? learn = null, string? forget = null) =>
        (Find(table, learn, LearnNames, "learn"), Find(table, forget, ForgetNames, "forget"));

    /// <summary>
    /// The epoch column that goes with a step column (<c>x_learn_step</c> → <c>x_learn_epoch</c>,
    /// <c>forgetting_step_with_sentinel</c> → <c>forgetting_epoch</c>), or null when the table has none.
    /// </summary>
    public static string? EpochColumn(PerSampleTable table, string stepColumn)
    {
        foreach (var suffix in new[] { "_step_with_sentinel", "_step", "_time" })
            if (stepColumn.EndsWith(suffix, StringComparison.Ordinal) && table.Has(stepColumn[..^suffix.Length] + "_epoch"))
                return stepColumn[..^suffix.Length] + "_epoch";
        return null;
    }

    private static string? Find(PerSampleTable table, string? explicitName, IReadOnlyList<string> preferred, string stem)
    {
        if (explicitName is not null)
            return table.Has(explicitName) ? explicitName : throw new ArgumentException($"SSFT column '{explicitName}' is not in the metric table.");
        foreach (var p in preferred) if (table.Has(p)) return p;
        var matches = table.ColumnNames.Where(c =>
        {
            var l = c.ToLowerInvariant();
            return l.Contains(stem) && (l.Contains("step") || l.Contains("time")) && !l.Contains("epoch") && !l.Contains("__");
        }).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }
}

/// <summary>How a ranking was made; stored as <c>results/ranking.json</c>.</summary>
public sealed record RankingSummary
{
    /// <summary>Run id.</summary>
    public required string RunId { get; init; }
    /// <summary>When it was computed (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Samples ranked.</summary>
    public int Samples { get; init; }
    /// <summary>Target the metrics were oriented by.</summary>
    public string? Target { get; init; }
    /// <summary>Combination method.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<ScoreMethod>))]
    public ScoreMethod Method { get; init; }
    /// <summary>Metrics of the score.</summary>
    public IReadOnlyList<SelectedMetric> Metrics { get; init; } = [];
    /// <summary>Default candidates skipped as redundant.</summary>
    public IReadOnlyList<string> SkippedAsRedundant { get; init; } = [];
    /// <summary>SSFT part, null when the table has no SSFT times.</summary>
    public SsftSummary? Ssft { get; init; }
    /// <summary>Redundancy part.</summary>
    public required RedundancySummary Redundancy { get; init; }
}

/// <summary>SSFT thresholds and category counts.</summary>
public sealed record SsftSummary(string LearnColumn, string ForgetColumn, string Rule, double LearnLate, double ForgetEarly, int LearntCount, int ForgottenCount, IReadOnlyDictionary<string, int> Counts)
{
    /// <summary>Samples with SSFT times.</summary>
    public int KnownCount => Counts.Where(c => c.Key != "unknown").Sum(c => c.Value);

    /// <summary>
    /// False when fewer than half of the samples with times were ever learnt in the first phase: the probe trained too
    /// briefly, "never learnt" dominates and the categories say little.
    /// </summary>
    public bool Reliable => KnownCount > 0 && LearntCount >= 0.5 * KnownCount;
}

/// <summary>Redundancy clusters found.</summary>
/// <param name="PairsSource">Blob the pairs came from, or null when the run has none.</param>
/// <param name="Pairs">Pairs read.</param>
/// <param name="IgnoredPairs">Pairs naming samples outside the table.</param>
/// <param name="Clusters">Clusters with more than one sample.</param>
/// <param name="RedundantSamples">Samples that are not their cluster's representative.</param>
public sealed record RedundancySummary(string? PairsSource, int Pairs, int IgnoredPairs, int Clusters, int RedundantSamples);

/// <summary>The ranking and its summary.</summary>
public sealed record RankingResult(RankingTable Table, RankingSummary Summary);

/// <summary>Computes the ranking of a run from its metric table and writes <c>results/ranking.{csv,parquet,json}</c>.</summary>
public sealed class RankingBuilder(IArtifactStore store)
{
    /// <summary>JSON settings of <c>ranking.json</c>.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Computes and stores the ranking. Nothing is written when any input is bad.</summary>
    /// <exception cref="RunNotFoundException">No such run.</exception>
    /// <exception cref="InvalidDataException">No metric table, or inputs disagree.</exception>
    /// <exception cref="ArgumentException">Bad options (unknown metric or target).</exception>
    public async Task<RankingResult> BuildAsync(string runId, RankingOptions? options = null, CancellationToken ct = default)
    {
        var run = new RunReader(store, runId);
        await run.EnsureExistsAsync(ct);
        var table = await run.TryReadMetricsAsync(ct)
                    ?? throw new InvalidDataException($"Run '{runId}' has no metric table ({RunBlobNames.MetricsCsv(runId)}); run the metric step first.");
        var correlations = await run.TryReadCorrelationsAsync(ct);
        var provenance = await run.TryReadProvenanceAsync(ct);
        var labels = await run.TryReadNpyAsync<int>(RunBlobNames.Data(runId, "labels.npy"), ct);
        var injected = await run.TryReadNpyAsync<int>(RunBlobNames.Data(runId, "injected.npy"), ct);
        var pairsName = RunBlobNames.NearDuplicates(runId);
        var pairsBytes = await run.TryReadBytesAsync(pairsName, ct);
        var pairs = pairsBytes is null ? null : NearDuplicatePair.ReadCsv(new MemoryStream(pairsBytes), pairsName);
        var result = Compute(runId, table, correlations, provenance, labels?.Data, injected?.Data, pairs, pairs is null ? null : pairsName, options ?? new RankingOptions());
        await WriteAsync(store, runId, result, ct);
        return result;
    }

    /// <summary>Pure part: the ranking from in-memory inputs (arrays indexed by sample id).</summary>
    public static RankingResult Compute(string runId, PerSampleTable table, CorrelationTable? correlations, IReadOnlyList<ProvenanceRow>? provenance,
        int[]? labels, int[]? injected, IReadOnlyList<NearDuplicatePair>? pairs, string? pairsSource, RankingOptions options)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        if (table.RowCount == 0) throw new InvalidDataException("The metric table has no rows.");
        var maxId = table.SampleIds.Max();
        if (labels is not null && labels.Length <= maxId) throw new InvalidDataException($"labels.npy has {labels.Length} entries but the metric table has sample id {maxId}.");
        if (injected is not null && injected.Length <= maxId) throw new InvalidDataException($"injected.npy has {injected.Length} entries but the metric table has sample id {maxId}.");
        var prov = provenance?.ToDictionary(p => p.SampleId);

        var selection = HardnessScorer.Select(table, correlations, options.Hardness);
        var scores = HardnessScorer.Score(table, selection);
        var other = selection.Method == ScoreMethod.RankAverage ? scores.ZScore : scores.RankAverage;
        var ranks = HardnessScorer.Ranks(table.SampleIds, scores.Score, other);

        var (learnCol, forgetCol) = SsftColumns.Detect(table, options.LearnColumn, options.ForgetColumn);
        SsftCategorization? ssft = null;
        if (learnCol is not null && forgetCol is not null)
        {
            // "never" from the epoch columns when present: the step columns carry one sentinel per SSFT direction
            var learnEpoch = SsftColumns.EpochColumn(table, learnCol);
            var forgetEpoch = SsftColumns.EpochColumn(table, forgetCol);
            ssft = SsftCategorizer.Categorize(table.Column(learnCol), table.Column(forgetCol), options.Ssft,
                learnEpoch is null ? null : table.Column(learnEpoch), forgetEpoch is null ? null : table.Column(forgetEpoch));
        }

        var clustering = RedundancyClusters.Build(table.SampleIds, pairs ?? [], scores.Score, out var ignored);
        var keyCols = selection.Metrics.Select(m => table.Column(m.Name)).ToArray();
        var rows = new List<RankingRow>(table.RowCount);
        for (var i = 0; i < table.RowCount; i++)
        {
            var id = table.SampleIds[i];
            ProvenanceRow? p = null;
            prov?.TryGetValue(id, out p);
            rows.Add(new RankingRow(id, ranks[i], scores.Score[i], scores.RankAverage[i], scores.ZScore[i],
                ssft is null ? "" : SsftCategorizer.Name(ssft.Categories[i]),
                ssft?.LearnTime[i] ?? double.NaN, ssft?.ForgetTime[i] ?? double.NaN,
                clustering.Cluster[i], clustering.ClusterSize[i], clustering.IsRepresentative[i],
                labels?[id] ?? -1, injected?[id] ?? p?.Injected ?? -1, p?.SourceIndex ?? -1, p?.SourceName ?? "",
                keyCols.Select(c => c[i]).ToArray()));
        }
        var summary = new RankingSummary
        {
            RunId = runId,
            CreatedAt = DateTimeOffset.UtcNow,
            Samples = table.RowCount,
            Target = selection.Target,
            Method = selection.Method,
            Metrics = selection.Metrics,
            SkippedAsRedundant = selection.SkippedAsRedundant,
            Ssft = ssft is null ? null : new SsftSummary(learnCol!, forgetCol!, ssft.Thresholds.Rule.ToString(), ssft.Thresholds.LearnLate, ssft.Thresholds.ForgetEarly,
                ssft.Thresholds.LearntCount, ssft.Thresholds.ForgottenCount,
                ssft.Counts.Where(kv => kv.Key != SsftCategory.Unknown || kv.Value > 0).ToDictionary(kv => kv.Key == SsftCategory.Unknown ? "unknown" : SsftCategorizer.Name(kv.Key), kv => kv.Value)),
            Redundancy = new RedundancySummary(pairsSource, pairs?.Count ?? 0, ignored, clustering.MultiSampleClusters, clustering.RedundantSamples),
        };
        return new RankingResult(new RankingTable(rows, selection.Metrics.Select(m => m.Name).ToList()), summary);
    }

    /// <summary>Writes the three ranking blobs (every byte is produced before the first write).</summary>
    public static async Task WriteAsync(IArtifactStore store, string runId, RankingResult result, CancellationToken ct = default)
    {
        var csv = result.Table.ToCsvBytes();
        using var parquet = new MemoryStream();
        await result.Table.WriteParquetAsync(parquet, ct);
        var json = JsonSerializer.SerializeToUtf8Bytes(result.Summary, JsonOptions);
        await store.PutAsync(RunBlobNames.RankingParquet(runId), new MemoryStream(parquet.ToArray()), new ArtifactPutOptions(ContentType: "application/vnd.apache.parquet"), ct);
        await store.PutAsync(RunBlobNames.RankingSummary(runId), new MemoryStream(json), new ArtifactPutOptions(ContentType: "application/json"), ct);
        await store.PutAsync(RunBlobNames.RankingCsv(runId), new MemoryStream(csv), new ArtifactPutOptions(ContentType: "text/csv"), ct);
    }

    /// <summary>Reads a stored ranking, or null when the run has none.</summary>
    public static async Task<RankingTable?> TryReadAsync(IArtifactStore store, string runId, CancellationToken ct = default)
    {
        var run = new RunReader(store, runId);
        var bytes = await run.TryReadBytesAsync(RunBlobNames.RankingCsv(runId), ct);
        return bytes is null ? null : RankingTable.ReadCsv(new MemoryStream(bytes), RunBlobNames.RankingCsv(runId));
    }

    /// <summary>Reads a stored ranking summary, or null.</summary>
    public static async Task<RankingSummary?> TryReadSummaryAsync(IArtifactStore store, string runId, CancellationToken ct = default)
    {
        var run = new RunReader(store, runId);
        var bytes = await run.TryReadBytesAsync(RunBlobNames.RankingSummary(runId), ct);
        return bytes is null ? null : JsonSerializer.Deserialize<RankingSummary>(bytes, JsonOptions);
    }
}
