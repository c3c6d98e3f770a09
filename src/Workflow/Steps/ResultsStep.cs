using HardSamples.Shared.Arrays;
using HardSamples.Shared.Metrics;
using HardSamples.Shared.Ranking;
using HardSamples.Shared.Reporting;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Tables;
using HardSamples.Workflow.Status;

namespace HardSamples.Workflow.Steps;

/// <summary>
/// The real fan-in steps: correlations of every metric with every injected target (<c>mixture</c>, <c>flip</c>,
/// <c>duplicate</c> from <c>data/injected.npy</c>) and with the SSFT times (<see cref="MetricSuite.Correlations"/>);
/// the ranking and the HTML report (<see cref="RankingBuilder"/>, <see cref="ReportBuilder"/>); and the per-sample
/// table rows (rank, score, category, cluster, injected kind and the ranking's key metrics).
/// </summary>
public sealed class ResultsStep(IArtifactStore store, ITableStore tables, string samplesTable = SampleRows.TableName) : IResultsStep
{
    /// <summary>Binary targets: name → injected kind code.</summary>
    public static readonly IReadOnlyList<(string Name, int Code)> InjectedTargets = [("mixture", 1), ("flip", 2), ("duplicate", 3)];

    /// <summary>Continuous targets taken from the metric table when present.</summary>
    public static readonly IReadOnlyList<string> SsftTargets = ["ssft_learn_step", "ssft_forget_step"];

    /// <inheritdoc />
    public async Task<CorrelationSummary> CorrelateAsync(CorrelateInput input, CancellationToken cancellationToken)
    {
        var runId = input.Run.RunId;
        var table = await ReadMetricsAsync(input.Metrics, cancellationToken);
        var injected = await ReadNpyAsync<int>(input.Run.Dataset.Prefix + "injected.npy", cancellationToken);
        if (injected.Data.Length != input.Run.Dataset.Count)
            throw new InvalidDataException($"injected.npy has {injected.Data.Length} entries for {input.Run.Dataset.Count} prepared samples.");
        // The table's rows are the samples the probes trained on (all, or all but a held-out test split): look them up by id.
        var bad = Array.FindIndex(table.SampleIndex, id => id < 0 || id >= injected.Data.Length);
        if (bad >= 0) throw new InvalidDataException($"The metric table names sample {table.SampleIndex[bad]}, outside the {injected.Data.Length} prepared samples.");
        var kinds = table.SampleIndex.Select(id => injected.Data[id]).ToArray();
        var byTarget = new List<(string Target, IReadOnlyList<CorrelationRow> Rows)>();
        foreach (var (name, code) in InjectedTargets)
        {
            var target = kinds.Select(k => k == code ? 1.0 : 0.0).ToArray();
            var positives = target.Count(t => t == 1);
            if (positives == 0 || positives == target.Length) continue; // no contrast: nothing to correlate
            byTarget.Add((name, MetricSuite.Correlations(table, target)));
        }
        foreach (var name in SsftTargets.Where(table.Contains))
        {
            // Correlate on the samples that have the time (a held-out split has none); the time itself is left out.
            var values = table[name];
            var rows = Enumerable.Range(0, table.RowCount).Where(i => !double.IsNaN(values[i])).ToArray();
            if (rows.Length < 3 || rows.Select(i => values[i]).Distinct().Count() < 2) continue; // a constant time says nothing
            var subset = new MetricTable(rows.Select(i => table.SampleIndex[i]).ToArray());
            foreach (var column in table.Columns.Where(c => !c.Name.StartsWith("ssft_", StringComparison.Ordinal)))
                subset.Add(column.Name, rows.Select(i => column.Values[i]).ToArray());
            byTarget.Add((name, MetricSuite.Correlations(subset, rows.Select(i => values[i]).ToArray())));
        }
        if (byTarget.Count == 0) throw new InvalidDataException($"Run '{runId}' has no target to correlate with (no injected samples and no SSFT times).");
        var csv = new MemoryStream();
        MetricTableWriter.WriteCorrelationsCsv(csv, byTarget);
        var name0 = RunLayout.Result(runId, "correlations.csv");
        await store.PutAsync(name0, new MemoryStream(csv.ToArray()), new ArtifactPutOptions(ContentType: "text/csv"), cancellationToken);
        var best = byTarget.Select(t => Best(t.Target, t.Rows)).Where(b => b is not null).Select(b => b!).ToList();
        return new CorrelationSummary(name0, best);
    }

    /// <inheritdoc />
    public async Task<RankingRef> RankAsync(RankInput input, CancellationToken cancellationToken)
    {
        var result = await new RankingBuilder(store).BuildAsync(input.Run.RunId, new RankingOptions(), cancellationToken);
        return new RankingRef(RunLayout.Result(input.Run.RunId, "ranking.csv"), RunLayout.Result(input.Run.RunId, "ranking.parquet"), result.Table.Rows.Count);
    }

    /// <inheritdoc />
    public async Task<PublishSamplesResult> PublishSamplesAsync(PublishSamplesInput input, CancellationToken cancellationToken)
    {
        var runId = input.Run.RunId;
        var ranking = await RankingBuilder.TryReadAsync(store, runId, cancellationToken)
                      ?? throw new InvalidDataException($"Run '{runId}' has no ranking ({input.Ranking.CsvName}).");
        var rows = new List<TableRow>(input.Count);
        var keyNames = ranking.KeyMetricNames.Select(ColumnName).ToList();
        foreach (var r in ranking.Rows.Where(r => r.SampleId >= input.Start && r.SampleId < input.Start + input.Count))
        {
            var properties = new Dictionary<string, object?>
            {
                ["SampleId"] = r.SampleId,
                ["Rank"] = r.Rank,
                ["Score"] = Finite(r.Score),
                ["Category"] = r.Category,
                ["LearnTime"] = Finite(r.LearnTime),
                ["ForgetTime"] = Finite(r.ForgetTime),
                ["Cluster"] = r.Cluster,
                ["ClusterSize"] = r.ClusterSize,
                ["Representative"] = r.Representative,
                ["Label"] = r.Label,
                ["Injected"] = r.Injected,
            };
            for (var k = 0; k < keyNames.Count && k < r.KeyMetrics.Count; k++) properties[keyNames[k]] = Finite(r.KeyMetrics[k]);
            rows.Add(new TableRow(SampleRows.PartitionKey(runId, input.Block), SampleRows.RowKey(r.SampleId), properties));
        }
        await tables.EnsureTableAsync(samplesTable, cancellationToken);
        await tables.UpsertBatchAsync(samplesTable, rows, cancellationToken);
        return new PublishSamplesResult(input.Block, rows.Count);
    }

    /// <inheritdoc />
    public async Task<ReportRef> WriteReportAsync(ReportInput input, CancellationToken cancellationToken)
    {
        var outcome = await new ReportBuilder(store).BuildAsync(input.Run.RunId, null, cancellationToken);
        return new ReportRef(outcome.BlobName);
    }

    /// <summary>The strongest metric for one target: largest oriented AUC (binary), else largest |SRCC|.</summary>
    public static TargetBest? Best(string target, IReadOnlyList<CorrelationRow> rows)
    {
        var binary = rows.Any(r => r.AucOriented is not null);
        var best = binary
            ? rows.Where(r => r.AucOriented is { } a && double.IsFinite(a)).MaxBy(r => r.AucOriented!.Value)
            : rows.Where(r => double.IsFinite(r.AbsSrcc)).MaxBy(r => r.AbsSrcc);
        return best is null ? null : new TargetBest(target, best.Metric, best.AucOriented, best.AbsSrcc);
    }

    private async Task<MetricTable> ReadMetricsAsync(MergedMetricsRef metrics, CancellationToken ct)
    {
        await using var s = await store.OpenReadAsync(metrics.ParquetName, ct);
        using var buffer = new MemoryStream();
        await s.CopyToAsync(buffer, ct);
        buffer.Position = 0;
        return await MetricTableReader.ReadParquetAsync(buffer, ct);
    }

    private Task<NdArray<T>> ReadNpyAsync<T>(string name, CancellationToken ct) where T : unmanaged => StoreArrays.ReadAsync<T>(store, name, ct);

    /// <summary>Table property names are identifiers: <c>loss__mean_from_0</c> stays, other characters become '_'.</summary>
    private static string ColumnName(string metric)
    {
        var chars = metric.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        var name = new string(chars);
        return "m_" + (name.Length > 200 ? name[..200] : name);
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
