using HardSamples.Shared.Pruning;
using HardSamples.Shared.Ranking;
using HardSamples.Shared.Tabular;

namespace HardSamples.Shared.Tests.Pruning;

public class PruneSelectorTests
{
    /// <summary>20 samples, 2 classes (even/odd id), score = id/20, sample 19 a redundant copy of 18 (cluster 18).</summary>
    private static RankingTable Ranking()
    {
        var rows = Enumerable.Range(0, 20).Select(i => new RankingRow(i, 20 - i, i / 20.0, i / 20.0, i, "", double.NaN, double.NaN,
            i == 19 ? 18 : i, i >= 18 ? 2 : 1, i != 19, i % 2, 0, i, $"src{i}", [i * 10.0]));
        return new RankingTable(rows, ["m"]);
    }

    [Fact]
    public void Hard_keeps_the_highest_scores_per_class_and_skips_redundant_members_first()
    {
        var sel = PruneSelector.Select(Ranking(), new PruneRequest(0.2));
        Assert.Equal(new[] { 15, 16, 17, 18 }, sel.Rows.Select(r => r.SampleId).Order());
        Assert.Equal(1, sel.RedundantDropped);
        Assert.Equal(2, sel.Rows.Count(r => r.Label == 0));
    }

    [Fact]
    public void Easy_keeps_the_lowest_and_balanced_spreads_over_the_ordering()
    {
        var easy = PruneSelector.Select(Ranking(), new PruneRequest(0.2, Strategy: PruneStrategy.Easy));
        Assert.Equal(new[] { 0, 1, 2, 3 }, easy.Rows.Select(r => r.SampleId).Order());
        var balanced = PruneSelector.Select(Ranking(), new PruneRequest(0.2, Strategy: PruneStrategy.Balanced, PerClass: false));
        // 19 representatives ordered by score, 4 evenly spaced picks: positions floor((j+.5)*19/4) = 2, 7, 11, 16
        Assert.Equal(new[] { 2, 7, 11, 16 }, balanced.Rows.Select(r => r.SampleId).Order());
    }

    [Fact]
    public void Budget_above_the_representatives_adds_redundant_members_last()
    {
        var all = PruneSelector.Select(Ranking(), new PruneRequest(1.0));
        Assert.Equal(20, all.Rows.Count);
        Assert.Equal(19, all.Rows.Last().SampleId);
    }

    [Fact]
    public void Random_is_seeded_and_keeps_class_proportions()
    {
        var a = PruneSelector.Select(Ranking(), new PruneRequest(0.5, "random", Seed: 3)).Rows.Select(r => r.SampleId).Order().ToArray();
        var b = PruneSelector.Select(Ranking(), new PruneRequest(0.5, "random", Seed: 3)).Rows.Select(r => r.SampleId).Order().ToArray();
        var c = PruneSelector.Select(Ranking(), new PruneRequest(0.5, "random", Seed: 4)).Rows.Select(r => r.SampleId).Order().ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(5, a.Count(i => i % 2 == 0));
    }

    [Fact]
    public void Metric_ordering_follows_the_correlation_sign()
    {
        var metrics = new PerSampleTable(Enumerable.Range(0, 20).ToArray(), [KeyValuePair.Create("x", Enumerable.Range(0, 20).Select(i => (double)i).ToArray())]);
        var corr = new CorrelationTable([new MetricCorrelation("x", "mixture", -0.4, 0.4, 0.2, 0.8)]);
        var sel = PruneSelector.Select(Ranking(), new PruneRequest(0.1, "x", PerClass: false), metrics, corr, "mixture");
        Assert.Equal(-1, sel.Orientation);
        Assert.Equal(new[] { 0, 1 }, sel.Rows.Select(r => r.SampleId).Order()); // smaller x is harder
        var ex = Assert.Throws<ArgumentException>(() => PruneSelector.Select(Ranking(), new PruneRequest(0.1, "nope"), metrics, corr, "mixture"));
        Assert.Contains("nope", ex.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Keep_outside_zero_one_is_rejected(double keep) =>
        Assert.Throws<ArgumentException>(() => PruneSelector.Select(Ranking(), new PruneRequest(keep)));

    [Fact]
    public void Quotas_use_largest_remainders_and_sum_to_the_budget()
    {
        Assert.Equal([2, 1, 1], PruneSelector.Quotas([5, 3, 2], 4));
        Assert.Equal([1, 0], PruneSelector.Quotas([1, 1], 1));
        Assert.Equal(7, PruneSelector.Quotas([3, 9, 1, 4], 7).Sum());
    }
}

public class CleanTestSetTests
{
    [Fact]
    public void Mixtures_duplicates_and_originals_copied_into_training_leave_the_test_set()
    {
        // 0 clean, 1 mixture, 2 flip, 3 duplicate of 4 (in the pool), 4 original, 5 duplicate of 6 (both in test), 6 original
        int[] injected = [0, 1, 2, 3, 0, 3, 0];
        int[] partner = [-1, 9, -1, 4, -1, 6, -1];
        var (kept, dropped) = PruningEvaluator.CleanTestSet([0, 1, 2, 4, 5, 6], new HashSet<int> { 3 }, injected, partner);
        Assert.Equal([0, 2, 6], kept);
        Assert.Equal(3, dropped);
        Assert.Equal([0, 1], PruningEvaluator.CleanTestSet([0, 1], new HashSet<int>(), null, null).Kept);
    }
}
