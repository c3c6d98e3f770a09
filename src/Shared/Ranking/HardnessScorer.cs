using HardSamples.Shared.Tabular;

namespace HardSamples.Shared.Ranking;

/// <summary>How the chosen metrics are combined into one score.</summary>
public enum ScoreMethod
{
    /// <summary>Mean of the oriented, normalised average ranks (rank / number of valid values, in (0, 1]).</summary>
    RankAverage,
    /// <summary>Mean of the oriented z-scores (population std).</summary>
    ZScore,
}

/// <summary>Which metrics make the combined hardness score and how.</summary>
public sealed record HardnessOptions
{
    /// <summary>Target the metrics are oriented (and, by default, chosen) by; null = <see cref="HardnessScorer.DefaultTarget"/>.</summary>
    public string? Target { get; init; }

    /// <summary>
    /// Explicit metric list; null = the <see cref="TopK"/> strongest by oriented AUC against the target.
    /// A leading '-' forces the orientation to "smaller is harder" (used when a metric has no correlation row).
    /// </summary>
    public IReadOnlyList<string>? Metrics { get; init; }

    /// <summary>Number of metrics picked by default.</summary>
    public int TopK { get; init; } = 5;

    /// <summary>Combination method written to the <c>score</c> column (both are always written).</summary>
    public ScoreMethod Method { get; init; } = ScoreMethod.RankAverage;

    /// <summary>
    /// A default candidate whose |Spearman| with an already chosen metric reaches this value is skipped
    /// (e.g. <c>x__std</c> and <c>x__var</c> rank identically); 1 disables the check.
    /// </summary>
    public double RedundancyCutoff { get; init; } = 0.95;

    /// <summary>
    /// A default candidate must separate at least this fraction as well as the best one, measured above chance:
    /// (strength − 0.5) ≥ this · (best − 0.5) for binary targets (|SRCC| ≥ this · best |SRCC| otherwise); 0 disables.
    /// </summary>
    public double MinRelativeStrength { get; init; } = 0.5;
}

/// <summary>One metric of the score.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Orientation">+1: larger is harder; −1: smaller is harder.</param>
/// <param name="Strength">Oriented AUC (or |SRCC|) against the target; NaN when unknown.</param>
/// <param name="Srcc">SRCC against the target; NaN when unknown.</param>
public sealed record SelectedMetric(string Name, int Orientation, double Strength, double Srcc);

/// <summary>The metrics chosen for a score, with the target that oriented them.</summary>
/// <param name="Target">Target name, or null when no correlations were available.</param>
/// <param name="Metrics">Chosen metrics, strongest first.</param>
/// <param name="SkippedAsRedundant">Default candidates skipped because they ranked like a chosen one.</param>
/// <param name="Method">Combination method.</param>
public sealed record MetricSelection(string? Target, IReadOnlyList<SelectedMetric> Metrics, IReadOnlyList<string> SkippedAsRedundant, ScoreMethod Method);

/// <summary>Combined scores per row of the table (larger = harder).</summary>
/// <param name="RankAverage">Mean normalised oriented rank, in (0, 1].</param>
/// <param name="ZScore">Mean oriented z-score.</param>
/// <param name="Score">The one of the two named by the selection's method.</param>
public sealed record HardnessScores(double[] RankAverage, double[] ZScore, double[] Score);

/// <summary>Chooses metrics by their measured correlation with a target and combines them into one hardness score.</summary>
public static class HardnessScorer
{
    /// <summary>Targets preferred as the default, in order; otherwise the first binary target of the file.</summary>
    public static readonly IReadOnlyList<string> PreferredTargets = ["mixture", "mixed", CorrelationTable.DefaultTarget];

    /// <summary>The default target of a correlation table, or null when it has none.</summary>
    public static string? DefaultTarget(CorrelationTable correlations)
    {
        ArgumentNullException.ThrowIfNull(correlations);
        foreach (var t in PreferredTargets) if (correlations.Targets.Contains(t)) return t;
        return correlations.Targets.FirstOrDefault(t => correlations.ForTarget(t).Any(r => !double.IsNaN(r.Auc)))
               ?? correlations.Targets.FirstOrDefault();
    }

    /// <summary>Picks and orients the metrics.</summary>
    /// <exception cref="ArgumentException">Unknown target or metric, no usable metric, or bad options.</exception>
    public static MetricSelection Select(PerSampleTable table, CorrelationTable? correlations, HardnessOptions options)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        if (options.TopK < 1) throw new ArgumentException($"TopK must be at least 1 (got {options.TopK}).", nameof(options));
        if (options.MinRelativeStrength is < 0 or > 1) throw new ArgumentException($"MinRelativeStrength must be in [0, 1] (got {options.MinRelativeStrength}).", nameof(options));
        if (options.RedundancyCutoff is <= 0 or > 1) throw new ArgumentException($"RedundancyCutoff must be in (0, 1] (got {options.RedundancyCutoff}).", nameof(options));
        string? target = null;
        if (correlations is not null)
        {
            target = options.Target ?? DefaultTarget(correlations);
            if (options.Target is not null && !correlations.Targets.Contains(options.Target))
                throw new ArgumentException($"Unknown target '{options.Target}'; the correlations have: {string.Join(", ", correlations.Targets)}.", nameof(options));
        }
        else if (options.Target is not null)
        {
            throw new ArgumentException($"Target '{options.Target}' was asked for but the run has no correlations.", nameof(options));
        }

        if (options.Metrics is { Count: > 0 } explicitList)
            return new MetricSelection(target, explicitList.Select(m => Explicit(m, table, correlations, target)).ToList(), [], options.Method);
        if (correlations is null || target is null)
            throw new ArgumentException("No correlations to choose metrics from: pass an explicit metric list.", nameof(options));

        var candidates = correlations.ForTarget(target)
            .Where(r => table.Has(r.Metric) && Separates(r))
            .OrderByDescending(r => r.Strength).ThenBy(r => r.Metric, StringComparer.Ordinal)
            .ToList();
        if (candidates.Count == 0)
            throw new ArgumentException($"No metric of the table separates target '{target}' (none has oriented AUC above 0.5).", nameof(options));
        var chosen = new List<SelectedMetric>();
        var skipped = new List<string>();
        var binary = !double.IsNaN(candidates[0].Auc) || !double.IsNaN(candidates[0].AucOriented);
        var floor = binary ? 0.5 + options.MinRelativeStrength * (candidates[0].Strength - 0.5) : options.MinRelativeStrength * candidates[0].Strength;
        foreach (var c in candidates)
        {
            if (chosen.Count == options.TopK || c.Strength < floor) break;
            var col = table.Column(c.Metric);
            if (options.RedundancyCutoff < 1 && chosen.Any(s => Math.Abs(RankMath.Spearman(col, table.Column(s.Name))) >= options.RedundancyCutoff))
            {
                skipped.Add(c.Metric);
                continue;
            }
            chosen.Add(new SelectedMetric(c.Metric, c.Orientation, c.Strength, c.Srcc));
        }
        return new MetricSelection(target, chosen, skipped, options.Method);
    }

    /// <summary>A binary target's metric separates when its oriented AUC exceeds 0.5; a continuous target's when |SRCC| &gt; 0.</summary>
    private static bool Separates(MetricCorrelation r) =>
        !double.IsNaN(r.Auc) || !double.IsNaN(r.AucOriented) ? r.Strength > 0.5 + 1e-12 : r.AbsSrcc > 0;

    private static SelectedMetric Explicit(string spec, PerSampleTable table, CorrelationTable? correlations, string? target)
    {
        var forcedNegative = spec.StartsWith('-');
        var name = forcedNegative ? spec[1..] : spec;
        if (!table.Has(name))
            throw new ArgumentException($"Unknown metric '{name}'; the table has {table.ColumnNames.Count} columns, e.g. {string.Join(", ", table.ColumnNames.Take(6))}.");
        var row = target is null ? null : correlations?.Find(name, target);
        var orientation = forcedNegative ? -1 : row?.Orientation ?? 1;
        return new SelectedMetric(name, orientation, row?.Strength ?? double.NaN, row?.Srcc ?? double.NaN);
    }

    /// <summary>Combines the selected metrics for every row of the table. Rows where every metric is NaN get NaN.</summary>
    public static HardnessScores Score(PerSampleTable table, MetricSelection selection)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(selection);
        if (selection.Metrics.Count == 0) throw new ArgumentException("The selection has no metric.", nameof(selection));
        var n = table.RowCount;
        var rankSum = new double[n];
        var zSum = new double[n];
        var count = new int[n];
        foreach (var m in selection.Metrics)
        {
            var col = table.Column(m.Name);
            var oriented = new double[n];
            for (var i = 0; i < n; i++) oriented[i] = double.IsFinite(col[i]) ? m.Orientation * col[i] : double.NaN;
            var ranks = RankMath.AverageRanks(oriented);
            var valid = ranks.Count(r => !double.IsNaN(r));
            var z = RankMath.ZScores(oriented);
            for (var i = 0; i < n; i++)
            {
                if (double.IsNaN(ranks[i])) continue;
                rankSum[i] += ranks[i] / valid;
                zSum[i] += z[i];
                count[i]++;
            }
        }
        var rankAvg = new double[n];
        var zAvg = new double[n];
        for (var i = 0; i < n; i++)
        {
            rankAvg[i] = count[i] == 0 ? double.NaN : rankSum[i] / count[i];
            zAvg[i] = count[i] == 0 ? double.NaN : zSum[i] / count[i];
        }
        return new HardnessScores(rankAvg, zAvg, selection.Method == ScoreMethod.RankAverage ? rankAvg : zAvg);
    }

    /// <summary>
    /// Rank 1 = hardest: descending score, ties by the other score, then by sample id; NaN scores last.
    /// Returns the rank (1-based) of each row.
    /// </summary>
    public static int[] Ranks(IReadOnlyList<int> sampleIds, double[] score, double[] tieBreak)
    {
        var n = score.Length;
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var na = double.IsNaN(score[a]); var nb = double.IsNaN(score[b]);
            if (na != nb) return na ? 1 : -1;
            var c = score[b].CompareTo(score[a]);
            if (c != 0 && !na) return c;
            c = (double.IsNaN(tieBreak[b]) ? double.NegativeInfinity : tieBreak[b]).CompareTo(double.IsNaN(tieBreak[a]) ? double.NegativeInfinity : tieBreak[a]);
            return c != 0 ? c : sampleIds[a].CompareTo(sampleIds[b]);
        });
        var ranks = new int[n];
        for (var k = 0; k < n; k++) ranks[order[k]] = k + 1;
        return ranks;
    }
}
