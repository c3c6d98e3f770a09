using HardSamples.Shared.Datasets.Splits;

namespace HardSamples.Shared.Tests.Datasets;

public class SplitTests
{
    private static int[] Labels(int n, int classes) => Enumerable.Range(0, n).Select(i => (i * 7 + i / 13) % classes).ToArray();

    [Theory]
    [InlineData(1001, false, 0.0, 3)]
    [InlineData(1001, true, 0.0, 4)]
    [InlineData(999, true, 0.2, 5)]
    public void Halves_test_and_shards_are_disjoint_sorted_and_cover(int n, bool stratified, double test, int shards)
    {
        var splits = SplitBuilder.Build(n, Labels(n, 10), new SplitSettings(7, stratified, shards, test));
        var a = splits["A"];
        var b = splits["B"];
        var t = splits.GetValueOrDefault("test", []);
        Assert.Equal(test > 0, splits.ContainsKey("test"));
        Assert.Equal(test > 0, splits.ContainsKey("train"));
        if (test > 0) Assert.Equal(Enumerable.Range(0, n).Except(t), splits["train"]); // the probes' pool: everything but the test split
        Assert.Empty(a.Intersect(b));
        Assert.Empty(a.Intersect(t));
        Assert.Empty(b.Intersect(t));
        Assert.Equal(Enumerable.Range(0, n), a.Concat(b).Concat(t).Order());
        Assert.InRange(a.Length - b.Length, 0, 1);
        var shardArrays = Enumerable.Range(0, shards).Select(k => splits[SplitBuilder.ShardName(k)]).ToArray();
        Assert.Equal(a.Concat(b).Order(), shardArrays.SelectMany(s => s));
        Assert.InRange(shardArrays.Max(s => s.Length) - shardArrays.Min(s => s.Length), 0, 1);
        foreach (var s in splits.Values) Assert.Equal(s.Order(), s);
    }

    [Fact]
    public void Stratified_halves_balance_every_class_and_test_keeps_proportions()
    {
        var labels = Labels(2000, 7);
        var splits = SplitBuilder.Build(2000, labels, new SplitSettings(3, true, 1, 0.1));
        for (var c = 0; c < 7; c++)
        {
            var inA = splits["A"].Count(i => labels[i] == c);
            var inB = splits["B"].Count(i => labels[i] == c);
            var inTest = splits["test"].Count(i => labels[i] == c);
            var total = labels.Count(l => l == c);
            Assert.InRange(Math.Abs(inA - inB), 0, 1);
            Assert.Equal((int)Math.Round(0.1 * total, MidpointRounding.AwayFromZero), inTest);
        }
    }

    [Fact]
    public void Unstratified_halves_are_not_balanced_by_construction()
    {
        // With a skewed class, a plain random half differs from exact per-class balance at least once.
        var labels = Labels(2000, 7);
        var splits = SplitBuilder.Build(2000, labels, new SplitSettings(3, false, 1));
        Assert.Contains(Enumerable.Range(0, 7), c => Math.Abs(splits["A"].Count(i => labels[i] == c) - splits["B"].Count(i => labels[i] == c)) > 1);
    }

    [Fact]
    public void Same_seed_same_splits_other_seed_different()
    {
        var labels = Labels(500, 5);
        var s1 = SplitBuilder.Build(500, labels, new SplitSettings(11, true, 2, 0.1));
        var s2 = SplitBuilder.Build(500, labels, new SplitSettings(11, true, 2, 0.1));
        var s3 = SplitBuilder.Build(500, labels, new SplitSettings(12, true, 2, 0.1));
        foreach (var name in s1.Keys) Assert.Equal(s1[name], s2[name]);
        Assert.NotEqual(s1["A"], s3["A"]);
        Assert.NotEqual(s1["test"], s3["test"]);
    }

    [Fact]
    public void Unlabeled_data_splits_without_stratification()
    {
        var splits = SplitBuilder.Build(11, null, new SplitSettings(1, true, 11));
        Assert.Equal(6, splits["A"].Length);
        Assert.Equal(5, splits["B"].Length);
        Assert.Single(splits["shard-010"]);
    }

    [Fact]
    public void Invalid_settings_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => SplitBuilder.Build(10, null, new SplitSettings(ShardCount: 0)));
        Assert.Throws<ArgumentException>(() => SplitBuilder.Build(10, null, new SplitSettings(ShardCount: 11)));
        Assert.Throws<ArgumentException>(() => SplitBuilder.Build(10, null, new SplitSettings(TestFraction: 1)));
        Assert.Throws<ArgumentException>(() => SplitBuilder.Build(10, null, new SplitSettings(TestFraction: 0.01)));
    }
}
