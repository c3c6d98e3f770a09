using HardSamples.Shared.Arrays;
using HardSamples.Shared.Ranking;
using HardSamples.Shared.Tabular;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Ranking;

public class RankMathTests
{
    [Fact]
    public void Average_ranks_share_ties_like_scipy_rankdata_and_leave_nan_out()
    {
        var r = RankMath.AverageRanks([3.0, 1.0, 3.0, double.NaN, 2.0, 3.0]);
        Assert.Equal([4.0, 1.0, 4.0, double.NaN, 2.0, 4.0], r);
    }

    [Fact]
    public void Spearman_and_auc_reproduce_the_golden_correlations_of_every_metric()
    {
        PerSampleTable table;
        using (var f = File.OpenRead(RepoPaths.Golden("expected", "metrics.csv"))) table = PerSampleTable.ReadCsv(f);
        CorrelationTable corr;
        using (var f = File.OpenRead(RepoPaths.Golden("expected", "correlations.csv"))) corr = CorrelationTable.ReadCsv(f);
        var label = Npy.ReadFile<int>(RepoPaths.Golden("inputs", "label.npy")).Data;
        var y = label.Select(v => (double)v).ToArray();
        var pos = label.Select(v => v == 1).ToArray();
        Assert.Equal(83, corr.Rows.Count);
        foreach (var row in corr.Rows)
        {
            var col = table.Column(row.Metric);
            Assert.Equal(row.Srcc, RankMath.Spearman(col, y), 1e-12);
            Assert.Equal(row.Auc, RankMath.Auc(col, pos), 1e-12);
            Assert.Equal(row.Srcc >= 0 ? 1 : -1, row.Orientation);
        }
    }

    [Fact]
    public void Otsu_splits_two_separated_groups_between_them_and_equals_brute_force_two_means()
    {
        var rng = new Random(3);
        var values = Enumerable.Range(0, 300).Select(_ => 10 + rng.NextDouble() * 5)
            .Concat(Enumerable.Range(0, 60).Select(_ => 40 + rng.NextDouble() * 8)).ToArray();
        var t = RankMath.OtsuThreshold(values);
        Assert.InRange(t, 15, 40);
        // brute force: the cut minimising the within-class sum of squares
        var xs = values.Order().ToArray();
        double bestSs = double.PositiveInfinity, bestT = double.NaN;
        for (var i = 1; i < xs.Length; i++)
        {
            var lo = xs[..i]; var hi = xs[i..];
            var ss = lo.Sum(v => (v - lo.Average()) * (v - lo.Average())) + hi.Sum(v => (v - hi.Average()) * (v - hi.Average()));
            if (ss < bestSs - 1e-9) { bestSs = ss; bestT = (xs[i - 1] + xs[i]) / 2; }
        }
        Assert.Equal(bestT, t, 1e-9);
    }

    [Fact]
    public void Otsu_degenerate_samples_give_the_single_value_or_nan()
    {
        Assert.Equal(4.0, RankMath.OtsuThreshold([4.0, 4.0, 4.0]));
        Assert.True(double.IsNaN(RankMath.OtsuThreshold([])));
        Assert.True(double.IsNaN(RankMath.OtsuThreshold([double.PositiveInfinity])));
    }

    [Fact]
    public void Quantile_interpolates_linearly_as_numpy()
    {
        double[] v = [1, 2, 3, 4, 10];
        Assert.Equal(3.0, RankMath.Quantile(v, 0.5));
        Assert.Equal(5.2, RankMath.Quantile(v, 0.8), 12); // numpy.quantile([1,2,3,4,10], 0.8) = 5.2
        Assert.Throws<ArgumentOutOfRangeException>(() => RankMath.Quantile(v, 1.5));
    }

    [Fact]
    public void Zscores_use_population_std_and_are_zero_for_constant_columns()
    {
        var z = RankMath.ZScores([1.0, 2.0, 3.0]);
        Assert.Equal(-Math.Sqrt(1.5), z[0], 12);
        Assert.All(RankMath.ZScores([5.0, 5.0]), v => Assert.Equal(0.0, v));
    }
}
