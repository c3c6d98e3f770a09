using HardSamples.Shared.Arrays;
using HardSamples.Shared.Metrics;
using HardSamples.Shared.Metrics.Kernels;

namespace HardSamples.Shared.Tests.Metrics;

public class MetricSuiteTests
{
    [Fact]
    public void Suite_columns_are_exactly_the_golden_header_in_order()
    {
        Assert.Equal(Golden.ExpectedMetrics.Header.Skip(1).ToArray(), Golden.Suite.Names.ToArray());
        Assert.Equal(83, Golden.Suite.Columns.Count);
        Assert.Equal(Enumerable.Range(0, Golden.Samples).ToArray(), Golden.Suite.SampleIndex);
    }

    [Fact]
    public void Suite_values_match_expected_metrics()
    {
        // Series within 1e-12, LID within 1e-10. Our k-means (own seeding) reaches the same partitions as
        // scikit-learn on these inputs (inertia equal to ~1e-14), so the silhouette columns match within 1e-12 too.
        var expected = Golden.ExpectedMetrics;
        foreach (var column in Golden.Suite.Columns)
        {
            var tolerance = MetricNames.SeriesOf(column.Name).StartsWith("LID", StringComparison.Ordinal) ? 1e-10 : 1e-12;
            Golden.AssertAllClose(expected.Column(column.Name), column.Values, tolerance, column.Name);
        }
    }

    [Fact]
    public void Sharded_units_merged_in_any_order_equal_the_single_run()
    {
        var options = new MetricSuiteOptions();
        var units = MetricSuite.Plan(Golden.Epochs, Golden.Samples, options, seriesRowsPerUnit: 700);
        Assert.Equal(3 + 2 + 3, units.Count);
        Assert.Equal(["series-0-700", "series-700-1400", "series-1400-2000", "lid-e0010", "lid-e0020", "sil-e0000", "sil-e0010", "sil-e0020"], units.Select(u => u.Id));
        var shards = units.Reverse().Select(u => MetricSuite.ComputeUnit(u, Golden.Embeddings, Golden.Losses, options)).ToList();
        var merged = MetricSuite.Merge(shards, Golden.Epochs, Golden.Samples, options);
        Assert.Equal(Golden.Suite.Names, merged.Names);
        foreach (var column in Golden.Suite.Columns) Assert.Equal(column.Values, merged[column.Name]);
    }

    [Fact]
    public void Merge_rejects_missing_or_duplicate_shards()
    {
        var options = new MetricSuiteOptions { SilhouetteEvery = 100, LidEvery = 100 };
        var units = MetricSuite.Plan(Golden.Epochs, Golden.Samples, options, 1000);
        var shards = units.Select(u => MetricSuite.ComputeUnit(u, Golden.Embeddings, Golden.Losses, options)).ToList();
        Assert.Throws<ArgumentException>(() => MetricSuite.Merge(shards.Skip(1), Golden.Epochs, Golden.Samples, options));
        Assert.Throws<ArgumentException>(() => MetricSuite.Merge(shards.Append(shards[0]), Golden.Epochs, Golden.Samples, options));
        Assert.Throws<ArgumentException>(() => MetricSuite.Merge(shards.Append(shards[^1]), Golden.Epochs, Golden.Samples, options));
        var table = MetricSuite.Merge(shards, Golden.Epochs, Golden.Samples, options);
        Assert.True(table.Contains("sil__last"));
        Assert.False(table.Contains("LID_TLE__last"));
    }

    [Fact]
    public void Progress_reports_every_unit()
    {
        var reports = new List<MetricProgress>();
        var options = new MetricSuiteOptions { LidEvery = 100, SilhouetteEvery = 100 };
        MetricSuite.Compute(Slice(Golden.Embeddings, 200), Slice(Golden.Losses, 200), options, new SyncProgress(reports.Add));
        Assert.Equal(["series-0-200", "sil-e0000"], reports.Select(r => r.Stage));
        Assert.Equal(2, reports[^1].Completed);
        Assert.Equal(2, reports[^1].Total);
    }

    [Fact]
    public void Extended_scores_are_appended_after_the_seed_columns()
    {
        var options = new MetricSuiteOptions { Extended = true, LidEvery = 100, SilhouetteEvery = 100 };
        var table = MetricSuite.Compute(Slice(Golden.Embeddings, 300), Slice(Golden.Losses, 300), options);
        Assert.Equal(["knn_rarity", "uniqueness", "nn1_dist", "proto_dist"], table.Names.TakeLast(4));
        Assert.Equal(1.0, table["uniqueness"].Max());
        Assert.All(table["nn1_dist"], v => Assert.True(v >= 0));
    }

    [Fact]
    public void Mismatched_shapes_are_rejected()
    {
        var emb = new NdArray<float>(new float[2 * 40 * 3], 2, 40, 3);
        Assert.Throws<ArgumentException>(() => MetricSuite.Compute(emb, new NdArray<float>(new float[2 * 39], 2, 39), new MetricSuiteOptions()));
        Assert.Throws<ArgumentException>(() => MetricSuite.Compute(emb, new NdArray<float>(new float[3 * 40], 3, 40), new MetricSuiteOptions()));
        Assert.Throws<ArgumentException>(() => MetricSuite.Compute(new NdArray<float>(new float[80], 2, 40), new NdArray<float>(new float[80], 2, 40), new MetricSuiteOptions()));
    }

    [Fact]
    public void Nan_or_infinite_inputs_are_rejected_with_the_sample_named()
    {
        var (emb, loss) = Small(40, 12, 3);
        emb.Data[(5 * 40 + 17) * 3 + 1] = float.NaN;
        var e = Assert.Throws<InvalidDataException>(() => MetricSuite.Compute(emb, loss, new MetricSuiteOptions()));
        Assert.Contains("sample 17", e.Message);
        (emb, loss) = Small(40, 12, 3);
        loss.Data[3] = float.PositiveInfinity;
        Assert.Throws<InvalidDataException>(() => MetricSuite.Compute(emb, loss, new MetricSuiteOptions()));
        (emb, loss) = Small(40, 12, 3);
        emb.Data[11] = -0.5f;
        Assert.Contains("non-negative", Assert.Throws<InvalidDataException>(() => MetricSuite.Compute(emb, loss, new MetricSuiteOptions())).Message);
    }

    [Fact]
    public void Too_few_samples_for_k_is_rejected()
    {
        var (emb, loss) = Small(30, 12, 3);
        var e = Assert.Throws<ArgumentException>(() => MetricSuite.Compute(emb, loss, new MetricSuiteOptions()));
        Assert.Contains("N ≥ 31", e.Message);
        // Without LID epochs (E ≤ LidEvery) 30 samples are enough.
        (emb, loss) = Small(30, 10, 3);
        Assert.Equal(30, MetricSuite.Compute(emb, loss, new MetricSuiteOptions()).RowCount);
    }

    [Fact]
    public void Constant_embeddings_at_a_snapshot_are_a_clear_error()
    {
        var (emb, loss) = Small(40, 12, 3);
        Array.Fill(emb.Data, 0.25f, 10 * 40 * 3, 40 * 3);
        var e = Assert.Throws<InvalidDataException>(() => MetricSuite.Compute(emb, loss, new MetricSuiteOptions()));
        Assert.Contains("lid-e0010", e.Message);
        Assert.Contains("constant", e.Message);
    }

    [Fact]
    public void Degenerate_but_valid_inputs_give_finite_values_only()
    {
        // Many exact duplicates (but fewer than k) and zero embeddings: every column must stay finite.
        var (emb, loss) = Small(60, 11, 4);
        for (var t = 0; t < 11; t++)
        {
            for (var i = 0; i < 20; i++) Array.Copy(emb.Data, (t * 60) * 4, emb.Data, (t * 60 + i) * 4, 4);
            Array.Fill(emb.Data, 0f, (t * 60 + 59) * 4, 4);
        }
        var table = MetricSuite.Compute(emb, loss, new MetricSuiteOptions { TleNeighbors = 30, MleNeighbors = 20, Extended = true });
        Assert.All(table.Columns, c => Assert.All(c.Values, v => Assert.True(double.IsFinite(v), c.Name)));
        Assert.Equal(0, table["H__last"][59]);
    }

    [Fact]
    public void Results_do_not_depend_on_the_core_count()
    {
        var options = new MetricSuiteOptions { LidEvery = 20, SilhouetteEvery = 20, MaxDegreeOfParallelism = 1 };
        var emb = Slice(Golden.Embeddings, 400);
        var loss = Slice(Golden.Losses, 400);
        var one = MetricSuite.Compute(emb, loss, options);
        var many = MetricSuite.Compute(emb, loss, options with { MaxDegreeOfParallelism = 8 }, kernel: new CpuDistanceKernel(8));
        foreach (var column in one.Columns) Assert.Equal(column.Values, many[column.Name]);
    }

    internal static NdArray<float> Slice(NdArray<float> array, int samples)
    {
        int e = array.Dim(0), n = array.Dim(1);
        var width = array.Rank == 3 ? array.Dim(2) : 1;
        var data = new float[e * samples * width];
        for (var t = 0; t < e; t++) Array.Copy(array.Data, t * n * width, data, t * samples * width, samples * width);
        return array.Rank == 3 ? new NdArray<float>(data, e, samples, width) : new NdArray<float>(data, e, samples);
    }

    private static (NdArray<float> Emb, NdArray<float> Loss) Small(int n, int epochs, int dim)
    {
        var rng = new Random(n * 31 + epochs);
        var emb = new float[epochs * n * dim];
        for (var i = 0; i < emb.Length; i++) emb[i] = (float)rng.NextDouble();
        var loss = new float[epochs * n];
        for (var i = 0; i < loss.Length; i++) loss[i] = (float)rng.NextDouble();
        return (new NdArray<float>(emb, epochs, n, dim), new NdArray<float>(loss, epochs, n));
    }

    private sealed class SyncProgress(Action<MetricProgress> report) : IProgress<MetricProgress>
    {
        public void Report(MetricProgress value) => report(value);
    }
}
