using HardSamples.Shared.Metrics;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Metrics;

public class CorrelationTests
{
    [Fact]
    public void Srcc_and_auc_of_the_expected_metrics_match_the_golden_correlations_within_1e12()
    {
        var metrics = Golden.ExpectedMetrics;
        var table = new MetricTable(metrics.Rows.Length);
        foreach (var name in metrics.Header.Skip(1)) table.Add(name, metrics.Column(name));
        var rows = MetricCorrelations.Compute(table, Golden.Label);
        var expected = CsvTable.Read(RepoPaths.Golden("expected", "correlations.csv"));
        Assert.Equal(expected.Text("metric"), rows.Select(r => r.Metric).ToArray());
        Golden.AssertAllClose(expected.Column("srcc"), rows.Select(r => r.Srcc).ToArray(), 1e-12, "srcc");
        Golden.AssertAllClose(expected.Column("abs_srcc"), rows.Select(r => r.AbsSrcc).ToArray(), 1e-12, "abs_srcc");
        Golden.AssertAllClose(expected.Column("auc"), rows.Select(r => r.Auc!.Value).ToArray(), 1e-12, "auc");
        Golden.AssertAllClose(expected.Column("auc_oriented"), rows.Select(r => r.AucOriented!.Value).ToArray(), 1e-12, "auc_oriented");
    }

    [Fact]
    public void Correlating_a_split_with_ssft_times_uses_the_selected_samples()
    {
        var table = new MetricTable(6);
        table.Add("m", [10.0, 1, 20, 2, 30, 3]);
        var split = table.SelectSamples([0, 2, 4]);
        Assert.Equal([0, 2, 4], split.SampleIndex);
        Assert.Equal([10.0, 20, 30], split["m"]);
        var row = Assert.Single(MetricSuite.Correlations(split, [5.0, 7, 9]));
        Assert.Equal(1.0, row.Srcc, 14);
        Assert.Throws<KeyNotFoundException>(() => table.SelectSamples([9]));
    }

    [Fact]
    public void Average_ranks_share_ties()
    {
        Assert.Equal([2.5, 1, 2.5, 4], RankStatistics.AverageRanks([5.0, 1, 5, 9]));
    }

    [Fact]
    public void Auc_counts_ties_as_half_and_orientation_follows_the_sign_of_rho()
    {
        // positives {2, 3}, negatives {1, 2}: pairs (2>1)=1, (2=2)=0.5, (3>1)=1, (3>2)=1 → 3.5/4
        Assert.Equal(0.875, RankStatistics.RocAuc([2.0, 3, 1, 2], [true, true, false, false]));
        Assert.Equal(0.3, RankStatistics.OrientedAuc(0.7, -0.2), 15);
        Assert.Equal(0.7, RankStatistics.OrientedAuc(0.7, 0.0));
    }

    [Fact]
    public void Constant_metric_gets_zero_rho_and_half_auc_and_constant_target_is_rejected()
    {
        var table = new MetricTable(4);
        table.Add("flat", [1.0, 1, 1, 1]);
        var row = Assert.Single(MetricCorrelations.Compute(table, [0.0, 1, 0, 1]));
        Assert.Equal(0, row.Srcc);
        Assert.Equal(0.5, row.Auc);
        Assert.Throws<ArgumentException>(() => MetricCorrelations.Compute(table, [1.0, 1, 1, 1]));
        Assert.Throws<ArgumentException>(() => MetricCorrelations.Compute(table, [1.0, 1, 1]));
    }

    [Fact]
    public void Continuous_target_such_as_ssft_times_has_srcc_but_no_auc()
    {
        var table = new MetricTable(5);
        table.Add("m", [1.0, 2, 3, 4, 5]);
        var row = Assert.Single(MetricCorrelations.Compute(table, [10.0, 20, 30, 50, 40]));
        Assert.Equal(0.9, row.Srcc, 14);
        Assert.Null(row.Auc);
        Assert.Null(row.AucOriented);
    }
}
