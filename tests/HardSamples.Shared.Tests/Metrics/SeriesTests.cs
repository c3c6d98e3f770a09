using HardSamples.Shared.Metrics;

namespace HardSamples.Shared.Tests.Metrics;

public class SeriesTests
{
    [Fact]
    public void Base_series_match_the_golden_H_L2_and_adjacent_differences()
    {
        var emb = Golden.Embeddings.Data;
        int e = Golden.Epochs, n = Golden.Samples, d = Golden.Dim;
        var h = Golden.Series<double>("H").Data;
        var l2 = Golden.Series<double>("L2").Data;
        var l1 = Golden.Series<double>("dif_L1").Data;
        var dl2 = Golden.Series<double>("dif_L2").Data;
        var worst = 0.0;
        for (var t = 0; t < e; t++)
        {
            for (var i = 0; i < n; i++)
            {
                var row = emb.AsSpan((t * n + i) * d, d);
                worst = Math.Max(worst, Rel(h[t * n + i], SeriesMetrics.Entropy(row)));
                worst = Math.Max(worst, Rel(l2[t * n + i], SeriesMetrics.L2(row)));
                if (t == 0) continue;
                var prev = emb.AsSpan(((t - 1) * n + i) * d, d);
                worst = Math.Max(worst, Rel(l1[(t - 1) * n + i], SeriesMetrics.DiffL1(prev, row)));
                worst = Math.Max(worst, Rel(dl2[(t - 1) * n + i], SeriesMetrics.DiffL2(prev, row)));
            }
        }
        Assert.True(worst <= 1e-13, $"worst relative error {worst:E3}");
    }

    [Fact]
    public void Every_series_aggregate_column_matches_expected_metrics_within_1e12()
    {
        var expected = Golden.ExpectedMetrics;
        var columns = SeriesColumns.Compute(Golden.Embeddings.Data, Golden.Losses.Data, Golden.Epochs, Golden.Samples, Golden.Dim, 0, Golden.Samples, [0, 10, 20]);
        var seriesHeader = expected.Header.Where(h => h.StartsWith("loss__") || h.StartsWith("H__") || h.StartsWith("L2__") || h.StartsWith("dif_L")).ToArray();
        Assert.Equal(seriesHeader, columns.Select(c => c.Name).ToArray());
        foreach (var column in columns)
            Golden.AssertAllClose(expected.Column(column.Name), column.Values, 1e-12, column.Name, floor: 1e-6);
    }

    [Fact]
    public void Series_of_a_sample_range_equal_the_same_rows_of_the_full_computation()
    {
        var full = SeriesColumns.Compute(Golden.Embeddings.Data, Golden.Losses.Data, Golden.Epochs, Golden.Samples, Golden.Dim, 0, Golden.Samples, [0, 10, 20]);
        var part = SeriesColumns.Compute(Golden.Embeddings.Data, Golden.Losses.Data, Golden.Epochs, Golden.Samples, Golden.Dim, 1234, 77, [0, 10, 20]);
        for (var c = 0; c < full.Count; c++) Assert.Equal(full[c].Values.AsSpan(1234, 77).ToArray(), part[c].Values);
    }

    [Fact]
    public void Aggregate_plan_follows_the_golden_naming_and_omits_std_for_a_single_snapshot()
    {
        var plan = SeriesAggregates.Plan("LID_TLE", [10, 20], [0, 10, 20], withDiffLast: false).Select(c => c.Name);
        Assert.Equal(
            ["LID_TLE__last", "LID_TLE__mean_from_0", "LID_TLE__std_from_0", "LID_TLE__var_from_0",
             "LID_TLE__mean_from_10", "LID_TLE__std_from_10", "LID_TLE__var_from_10", "LID_TLE__mean_from_20"], plan);
        Assert.Empty(SeriesAggregates.Plan("x", [0, 10], [30], withDiffLast: true).Skip(1));
        Assert.Throws<ArgumentException>(() => SeriesAggregates.Plan("x", 5, [0, 0], false));
        Assert.Throws<ArgumentException>(() => SeriesAggregates.Plan("x", 5, [-1], false));
    }

    [Fact]
    public void Aggregates_are_population_statistics_from_k_and_diff_last_is_last_minus_kth()
    {
        var plan = SeriesAggregates.Plan("s", 4, [1], withDiffLast: true);
        var output = new double[plan.Count];
        SeriesAggregates.Evaluate(plan, [10, 1, 2, 6], output);
        // last, mean_from_1, std_from_1, var_from_1, diff_last_1
        Assert.Equal([6, 3, Math.Sqrt(14.0 / 3), 14.0 / 3, 5], output);
    }

    [Fact]
    public void Snapshot_schedules_are_the_seed_ranges()
    {
        Assert.Equal([10, 20], SnapshotSchedule.LidEpochs(30, 10));
        Assert.Equal([0, 10, 20], SnapshotSchedule.SilhouetteEpochs(30, 10));
        Assert.Equal(59, SnapshotSchedule.LidEpochs(600, 10).Count);
        Assert.Equal(590, SnapshotSchedule.LidEpochs(600, 10)[^1]);
        Assert.Equal(60, SnapshotSchedule.SilhouetteEpochs(600, 10).Count);
    }

    [Fact]
    public void Entropy_of_zero_mass_is_zero_and_negative_values_are_rejected()
    {
        Assert.Equal(0, SeriesMetrics.Entropy([0f, 0f, 0f]));
        Assert.Equal(Math.Log(2), SeriesMetrics.Entropy([0.5f, 0f, 0.5f]), 15);
        Assert.Throws<InvalidDataException>(() => SeriesMetrics.Entropy([0.5f, -0.1f]));
    }

    private static double Rel(double expected, double actual) => Math.Abs(expected - actual) / Math.Max(Math.Abs(expected), 1e-12);
}
