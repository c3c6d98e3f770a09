using HardSamples.Shared.Metrics.Kernels;

namespace HardSamples.Shared.Metrics;

/// <summary>One metric's agreement with a target.</summary>
/// <param name="Metric">Metric column name.</param>
/// <param name="Srcc">Spearman's ρ with the target.</param>
/// <param name="AbsSrcc">|ρ|.</param>
/// <param name="Auc">ROC AUC of the metric for a binary target (positive = the larger target value); null for a non-binary target.</param>
/// <param name="AucOriented">auc when ρ ≥ 0, else 1 − auc; null for a non-binary target.</param>
public sealed record CorrelationRow(string Metric, double Srcc, double AbsSrcc, double? Auc, double? AucOriented);

/// <summary>Correlates every column of a metric table with a target (a binary label or, e.g., SSFT learning/forgetting times).</summary>
public static class MetricCorrelations
{
    /// <summary>
    /// One row per column of <paramref name="table"/>, in column order. The target's ranks are computed once.
    /// A binary target (exactly two distinct values) also gets AUC and oriented AUC.
    /// </summary>
    /// <exception cref="ArgumentException">Length mismatch, NaN in the target, or a constant target.</exception>
    public static IReadOnlyList<CorrelationRow> Compute(MetricTable table, ReadOnlySpan<double> target)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (target.Length != table.RowCount) throw new ArgumentException($"The target has {target.Length} values for {table.RowCount} rows.", nameof(target));
        var distinct = new HashSet<double>();
        foreach (var t in target)
        {
            if (!double.IsFinite(t)) throw new ArgumentException($"The target contains {t}.", nameof(target));
            if (distinct.Count <= 2) distinct.Add(t);
        }
        if (distinct.Count < 2) throw new ArgumentException("The target is constant; correlations are undefined.", nameof(target));
        var targetRanks = RankStatistics.AverageRanks(target);
        bool[]? positive = null;
        if (distinct.Count == 2)
        {
            var high = distinct.Max();
            positive = new bool[target.Length];
            for (var i = 0; i < target.Length; i++) positive[i] = target[i] == high;
        }
        var rows = new CorrelationRow[table.Columns.Count];
        Parallelism.For(0, rows.Length, new ParallelOptions(), c =>
        {
            var column = table.Columns[c];
            var ranks = RankStatistics.AverageRanks(column.Values);
            var rho = RankStatistics.PearsonOfRanks(ranks, targetRanks);
            double? auc = positive is null ? null : RankStatistics.RocAucFromRanks(ranks, positive);
            rows[c] = new CorrelationRow(column.Name, rho, Math.Abs(rho), auc, auc is { } a ? RankStatistics.OrientedAuc(a, rho) : null);
        });
        return rows;
    }
}
