using HardSamples.Shared.Ranking;
using HardSamples.Shared.Tabular;

namespace HardSamples.Shared.Pruning;

/// <summary>Which end of the ordering is kept.</summary>
public enum PruneStrategy
{
    /// <summary>Keep the hardest (largest score / oriented metric).</summary>
    Hard,
    /// <summary>Keep the easiest.</summary>
    Easy,
    /// <summary>Keep evenly spaced samples along the ordering (every score quantile represented).</summary>
    Balanced,
}

/// <summary>A pruning request.</summary>
/// <param name="Keep">Fraction of samples kept, in (0, 1].</param>
/// <param name="By"><c>score</c>, <c>random</c> or a metric column name.</param>
/// <param name="Strategy">Which part of the ordering to keep (ignored for random).</param>
/// <param name="Seed">Seed of the random ordering.</param>
/// <param name="PerClass">Keep the class proportions (quotas by largest remainder) when labels are known.</param>
public sealed record PruneRequest(double Keep, string By = "score", PruneStrategy Strategy = PruneStrategy.Hard, int Seed = 0, bool PerClass = true)
{
    /// <summary>Throws <see cref="ArgumentException"/> on a keep fraction outside (0, 1] or an empty <see cref="By"/>.</summary>
    public PruneRequest Validate()
    {
        if (!(Keep > 0 && Keep <= 1)) throw new ArgumentException($"--keep must be in (0, 1]; got {Keep}.", nameof(Keep));
        if (string.IsNullOrWhiteSpace(By)) throw new ArgumentException("--by must be score, random or a metric name.", nameof(By));
        return this;
    }

    /// <summary>True for a random ordering.</summary>
    public bool IsRandom => By.Equals("random", StringComparison.OrdinalIgnoreCase);

    /// <summary>Short tag for folder names, e.g. <c>score-hard-0.5</c>.</summary>
    public string Tag => $"{By}-{(IsRandom ? "seed" + Seed : Strategy.ToString().ToLowerInvariant())}-{Keep.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>The samples kept, in selection order, plus how they were chosen.</summary>
/// <param name="Rows">Kept ranking rows (selection order: per class, best first).</param>
/// <param name="Candidates">Rows the selection drew from.</param>
/// <param name="Orientation">Orientation applied to the metric (+1/−1; 0 for score/random).</param>
/// <param name="RedundantDropped">Cluster members left out because their representative covers them.</param>
public sealed record KeepSelection(IReadOnlyList<RankingRow> Rows, int Candidates, int Orientation, int RedundantDropped);

/// <summary>
/// Chooses the kept samples. Order of preference: one representative per redundancy cluster (and every singleton)
/// first; other cluster members only when the budget exceeds the representatives. Within that, the ordering
/// (score, metric oriented by its correlation sign, or a seeded permutation) and the strategy decide. With
/// <see cref="PruneRequest.PerClass"/> and known labels, each class keeps its share of the budget.
/// </summary>
public static class PruneSelector
{
    /// <summary>Selects from <paramref name="ranking"/> rows whose sample id is in <paramref name="pool"/> (null = all).</summary>
    /// <exception cref="ArgumentException">Bad request or unknown metric.</exception>
    public static KeepSelection Select(RankingTable ranking, PruneRequest request, PerSampleTable? metrics = null, CorrelationTable? correlations = null,
        string? target = null, IReadOnlySet<int>? pool = null)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        request.Validate();
        var rows = pool is null ? ranking.Rows.ToList() : ranking.Rows.Where(r => pool.Contains(r.SampleId)).ToList();
        if (rows.Count == 0) throw new ArgumentException("No samples to select from.");
        var (key, orientation) = OrderingKey(rows, request, ranking, metrics, correlations, target);
        var budget = Math.Max(1, (int)Math.Round(request.Keep * rows.Count, MidpointRounding.AwayFromZero));
        var byClass = request.PerClass && rows.All(r => r.Label >= 0)
            ? rows.GroupBy(r => r.Label).OrderBy(g => g.Key).Select(g => g.ToList()).ToList()
            : [rows];
        var quotas = Quotas(byClass.Select(g => g.Count).ToArray(), budget);
        var kept = new List<RankingRow>(budget);
        var dropped = 0;
        for (var g = 0; g < byClass.Count; g++)
        {
            var group = byClass[g];
            var reps = Order(group.Where(r => r.Representative).ToList(), key, request);
            var others = Order(group.Where(r => !r.Representative).ToList(), key, request);
            var q = quotas[g];
            if (q <= reps.Count)
            {
                kept.AddRange(Take(reps, q, request));
                dropped += others.Count;
            }
            else
            {
                kept.AddRange(reps);
                kept.AddRange(Take(others, q - reps.Count, request));
            }
        }
        return new KeepSelection(kept, rows.Count, orientation, dropped);
    }

    private static (Dictionary<int, double> Key, int Orientation) OrderingKey(List<RankingRow> rows, PruneRequest request, RankingTable ranking,
        PerSampleTable? metrics, CorrelationTable? correlations, string? target)
    {
        if (request.By.Equals("score", StringComparison.OrdinalIgnoreCase))
            return (rows.ToDictionary(r => r.SampleId, r => double.IsNaN(r.Score) ? double.NegativeInfinity : r.Score), 0);
        if (request.IsRandom)
        {
            var rng = new Random(request.Seed);
            return (rows.ToDictionary(r => r.SampleId, _ => rng.NextDouble()), 0);
        }
        var metric = request.By;
        double[] values;
        Func<int, int> rowOf;
        if (metrics is not null && metrics.Has(metric))
        {
            values = metrics.Column(metric);
            rowOf = metrics.RowOf;
        }
        else if (ranking.KeyMetricNames.Contains(metric))
        {
            var k = ranking.KeyMetricNames.ToList().IndexOf(metric);
            var map = ranking.Rows.Select((r, i) => (r.SampleId, i)).ToDictionary(t => t.SampleId, t => t.i);
            values = ranking.Rows.Select(r => r.KeyMetrics[k]).ToArray();
            rowOf = id => map.TryGetValue(id, out var i) ? i : -1;
        }
        else
        {
            var known = metrics?.ColumnNames ?? ranking.KeyMetricNames;
            throw new ArgumentException($"Unknown --by '{metric}': use score, random or a metric column ({string.Join(", ", known.Take(8))}{(known.Count > 8 ? ", …" : "")}).");
        }
        var corr = target is null ? null : correlations?.Find(metric, target);
        var orientation = corr?.Orientation ?? 1;
        var key = new Dictionary<int, double>(rows.Count);
        foreach (var r in rows)
        {
            var i = rowOf(r.SampleId);
            var v = i < 0 ? double.NaN : values[i];
            key[r.SampleId] = double.IsNaN(v) ? double.NegativeInfinity : orientation * v;
        }
        return (key, orientation);
    }

    /// <summary>Hard: key descending; easy and balanced: ascending (balanced then samples evenly); ties by sample id.</summary>
    private static List<RankingRow> Order(List<RankingRow> rows, Dictionary<int, double> key, PruneRequest request)
    {
        var descending = request.IsRandom || request.Strategy == PruneStrategy.Hard;
        return descending
            ? rows.OrderByDescending(r => key[r.SampleId]).ThenBy(r => r.SampleId).ToList()
            : rows.OrderBy(r => key[r.SampleId]).ThenBy(r => r.SampleId).ToList();
    }

    private static IEnumerable<RankingRow> Take(List<RankingRow> ordered, int count, PruneRequest request)
    {
        if (count >= ordered.Count) return ordered;
        if (request.IsRandom || request.Strategy != PruneStrategy.Balanced) return ordered.Take(count);
        // evenly spaced positions (centre of each of `count` equal slices of the ordering)
        return Enumerable.Range(0, count).Select(j => ordered[(int)Math.Floor((j + 0.5) * ordered.Count / count)]);
    }

    /// <summary>Largest-remainder quotas summing to <paramref name="budget"/>, proportional to <paramref name="sizes"/>.</summary>
    public static int[] Quotas(int[] sizes, int budget)
    {
        var total = sizes.Sum();
        var exact = sizes.Select(s => (double)s * budget / total).ToArray();
        var q = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var left = budget - q.Sum();
        foreach (var i in Enumerable.Range(0, sizes.Length).OrderByDescending(i => exact[i] - q[i]).ThenBy(i => i))
        {
            if (left == 0) break;
            if (q[i] < sizes[i]) { q[i]++; left--; }
        }
        return q;
    }
}
