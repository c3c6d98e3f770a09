using HardSamples.Shared.Arrays;
using HardSamples.Shared.Ranking;
using HardSamples.Shared.Tabular;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Ranking;

public class HardnessScorerTests
{
    private static readonly Lazy<(PerSampleTable Table, CorrelationTable Corr, int[] Label)> Golden = new(() =>
    {
        using var m = File.OpenRead(RepoPaths.Golden("expected", "metrics.csv"));
        using var c = File.OpenRead(RepoPaths.Golden("expected", "correlations.csv"));
        return (PerSampleTable.ReadCsv(m), CorrelationTable.ReadCsv(c), Npy.ReadFile<int>(RepoPaths.Golden("inputs", "label.npy")).Data);
    });

    [Fact]
    public void Default_selection_takes_the_strongest_metrics_by_oriented_auc_and_skips_rank_duplicates()
    {
        var (table, corr, _) = Golden.Value;
        var sel = HardnessScorer.Select(table, corr, new HardnessOptions { TopK = 5 });
        Assert.Equal(CorrelationTable.DefaultTarget, sel.Target);
        Assert.Equal(5, sel.Metrics.Count);
        var strongest = corr.Rows.MaxBy(r => r.AucOriented)!;
        Assert.Equal(strongest.Metric, sel.Metrics[0].Name);
        Assert.True(sel.Metrics.Zip(sel.Metrics.Skip(1)).All(p => p.First.Strength >= p.Second.Strength));
        foreach (var m in sel.Metrics)
            Assert.Equal(Math.Sign(corr.Find(m.Name, sel.Target!)!.Srcc), m.Orientation);
        // std and var of a series rank identically: never both chosen
        foreach (var m in sel.Metrics.Where(m => m.Name.Contains("__std_")))
            Assert.DoesNotContain(sel.Metrics, o => o.Name == m.Name.Replace("__std_", "__var_"));
        Assert.NotEmpty(sel.SkippedAsRedundant);
    }

    [Fact]
    public void One_metric_score_is_its_oriented_normalised_rank_and_rank_one_is_the_most_extreme()
    {
        var (table, corr, _) = Golden.Value;
        var negative = corr.Rows.First(r => r.Srcc < 0).Metric;
        var sel = HardnessScorer.Select(table, corr, new HardnessOptions { Metrics = [negative] });
        Assert.Equal(-1, sel.Metrics[0].Orientation);
        var s = HardnessScorer.Score(table, sel);
        var col = table.Column(negative);
        var expected = RankMath.AverageRanks(col.Select(v => -v).ToArray()).Select(r => r / col.Length).ToArray();
        Assert.Equal(expected, s.RankAverage);
        var ranks = HardnessScorer.Ranks(table.SampleIds, s.Score, s.ZScore);
        Assert.Equal(col.Min(), col[Array.IndexOf(ranks, 1)]);
        Assert.Equal(Enumerable.Range(1, col.Length), ranks.Order());
    }

    [Fact]
    public void Combined_score_separates_the_target_better_than_chance_and_z_and_rank_scores_agree()
    {
        var (table, corr, label) = Golden.Value;
        var sel = HardnessScorer.Select(table, corr, new HardnessOptions());
        var s = HardnessScorer.Score(table, sel);
        var pos = label.Select(v => v == 1).ToArray();
        Assert.True(RankMath.Auc(s.RankAverage, pos) > 0.6);
        Assert.True(RankMath.Spearman(s.RankAverage, s.ZScore) > 0.9);
    }

    [Fact]
    public void Minus_prefix_forces_smaller_is_harder()
    {
        var (table, corr, _) = Golden.Value;
        var positive = corr.Rows.First(r => r.Srcc > 0).Metric;
        var sel = HardnessScorer.Select(table, corr, new HardnessOptions { Metrics = ["-" + positive] });
        Assert.Equal(-1, sel.Metrics[0].Orientation);
        Assert.Equal(positive, sel.Metrics[0].Name);
    }

    [Fact]
    public void Unknown_metric_or_target_is_a_clear_error()
    {
        var (table, corr, _) = Golden.Value;
        var ex = Assert.Throws<ArgumentException>(() => HardnessScorer.Select(table, corr, new HardnessOptions { Metrics = ["no_such_metric"] }));
        Assert.Contains("no_such_metric", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => HardnessScorer.Select(table, corr, new HardnessOptions { Target = "flip" }));
        Assert.Contains("flip", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => HardnessScorer.Select(table, null, new HardnessOptions()));
        Assert.Contains("explicit metric list", ex.Message);
    }

    [Fact]
    public void Default_selection_drops_metrics_far_weaker_than_the_best()
    {
        var ids = Enumerable.Range(0, 50).ToArray();
        var rng = new Random(1);
        var table = new PerSampleTable(ids, new[] { "a", "b", "c" }.Select(n => KeyValuePair.Create(n, ids.Select(_ => rng.NextDouble()).ToArray())));
        var corr = new CorrelationTable([
            new MetricCorrelation("a", "mixture", 0.4, 0.4, 0.9, 0.9),
            new MetricCorrelation("b", "mixture", -0.3, 0.3, 0.25, 0.75),
            new MetricCorrelation("c", "mixture", 0.1, 0.1, 0.6, 0.6),
        ]);
        var sel = HardnessScorer.Select(table, corr, new HardnessOptions());
        Assert.Equal(["a", "b"], sel.Metrics.Select(m => m.Name)); // c: 0.6 − 0.5 < 0.5 · (0.9 − 0.5)
        var all = HardnessScorer.Select(table, corr, new HardnessOptions { MinRelativeStrength = 0 });
        Assert.Equal(3, all.Metrics.Count);
    }

    [Fact]
    public void Default_target_prefers_mixture()
    {
        var corr = new CorrelationTable([
            new MetricCorrelation("a", "flip", 0.1, 0.1, 0.6, 0.6),
            new MetricCorrelation("a", "mixture", 0.1, 0.1, 0.6, 0.6),
        ]);
        Assert.Equal("mixture", HardnessScorer.DefaultTarget(corr));
    }
}
