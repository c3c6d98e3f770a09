using HardSamples.Shared.Corruption;

namespace HardSamples.Shared.Tests.Corruption;

public class LabelFlipAndDuplicateTests
{
    [Fact]
    public void Flips_move_each_chosen_label_to_a_different_class_uniformly()
    {
        var labels = Enumerable.Range(0, 20000).Select(i => i % 4).ToArray();
        var flips = LabelFlips.Plan(labels, Enumerable.Range(0, 20000).ToArray(), 8000, 4, Mt19937.FromKey(9, 2));
        Assert.Equal(8000, flips.Count);
        Assert.Equal(8000, flips.Select(f => f.Position).Distinct().Count());
        Assert.All(flips, f => Assert.NotEqual(f.From, f.To));
        Assert.All(flips, f => Assert.Equal(labels[f.Position], f.From));
        // Symmetric: from each class, each of the 3 other classes gets about a third.
        foreach (var g in flips.GroupBy(f => (f.From, f.To)))
            Assert.InRange(g.Count(), 2000 / 3 * 0.8, 2000 / 3 * 1.2);
    }

    [Fact]
    public void Flips_are_seeded_and_respect_candidates()
    {
        var labels = new int[100];
        var candidates = Enumerable.Range(50, 50).ToArray();
        var a = LabelFlips.Plan(labels, candidates, 10, 3, Mt19937.FromKey(1, 2));
        var b = LabelFlips.Plan(labels, candidates, 10, 3, Mt19937.FromKey(1, 2));
        var c = LabelFlips.Plan(labels, candidates, 10, 3, Mt19937.FromKey(2, 2));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.All(a, f => Assert.InRange(f.Position, 50, 99));
        Assert.Throws<ArgumentException>(() => LabelFlips.Plan(labels, candidates, 51, 3, Mt19937.FromKey(1)));
        Assert.Throws<ArgumentException>(() => LabelFlips.Plan(labels, candidates, 1, 1, Mt19937.FromKey(1)));
    }

    [Fact]
    public void Duplicate_render_shifts_with_edge_replication_and_adds_bounded_noise()
    {
        // 1 channel, 3x3 image 0..8 / 8.
        var src = Enumerable.Range(0, 9).Select(i => i / 8f).ToArray();
        var dst = new float[9];
        NearDuplicates.Render(src, dst, 1, 3, 3, new NearDuplicate(0, 1, 0), 0, Mt19937.FromKey(1));
        Assert.Equal(new[] { 0, 0, 1, 3, 3, 4, 6, 6, 7 }.Select(v => v / 8f), dst);
        NearDuplicates.Render(src, dst, 1, 3, 3, new NearDuplicate(0, 0, -1), 0, Mt19937.FromKey(1));
        Assert.Equal(new[] { 3, 4, 5, 6, 7, 8, 6, 7, 8 }.Select(v => v / 8f), dst);
        NearDuplicates.Render(src, dst, 1, 3, 3, new NearDuplicate(0, 0, 0), 0.02, Mt19937.FromKey(1));
        Assert.All(Enumerable.Range(0, 9), i => Assert.InRange(dst[i] - src[i], -0.12f, 0.12f));
        Assert.Contains(Enumerable.Range(0, 9), i => dst[i] != src[i]);
        Assert.All(dst, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Duplicate_plan_picks_distinct_candidates_and_shifts_within_bounds()
    {
        var plan = NearDuplicates.Plan(Enumerable.Range(10, 100).ToArray(), 40, 2, Mt19937.FromKey(3, 1));
        Assert.Equal(40, plan.Select(d => d.Original).Distinct().Count());
        Assert.All(plan, d => Assert.InRange(d.Original, 10, 109));
        Assert.All(plan, d => Assert.InRange(d.Dx, -2, 2));
        Assert.Contains(plan, d => d.Dx == -2);
        Assert.Contains(plan, d => d.Dy == 2);
    }

    [Fact]
    public void Settings_validation_names_the_bad_rate()
    {
        var e = Assert.Throws<ArgumentException>(() => new CorruptionSettings(FlipRate: 1.5).Validate());
        Assert.Contains("FlipRate", e.Message);
    }
}
