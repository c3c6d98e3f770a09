using HardSamples.Shared.Metrics;
using HardSamples.Shared.Metrics.Kernels;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Metrics;

public class LidTests
{
    private static NeighborGraph GoldenKnn30()
    {
        var dists = Golden.Series<double>("knn30_epoch10_dists");
        var idx = Golden.Series<int>("knn30_epoch10_idx");
        return new NeighborGraph(dists.Data, idx.Data, dists.Dim(0), dists.Dim(1));
    }

    [Fact]
    public void Tle_and_mle_from_the_given_knn_match_the_golden_epoch_10_values()
    {
        var graph = GoldenKnn30();
        var points = Golden.PointsAt(10);
        var tle = LocalIntrinsicDimension.Tle(points, graph, 30, 1e-4);
        var mle = LocalIntrinsicDimension.Mle(graph, 20);
        Golden.AssertAllClose(Golden.Row(Golden.Series<double>("lid_tle"), 0), tle, 1e-10, "TLE epoch 10");
        Golden.AssertAllClose(Golden.Row(Golden.Series<double>("lid_mle"), 0), mle, 1e-10, "MLE epoch 10");
    }

    [Fact]
    public void Own_exact_knn_reproduces_the_knn30_epoch10_fixture()
    {
        var expected = GoldenKnn30();
        var graph = CpuDistanceKernel.Default.NearestNeighbors(Golden.PointsAt(10), 30);
        Assert.Equal(expected.Indices, graph.Indices);
        Golden.AssertAllClose(expected.Distances, graph.Distances, 1e-14, "kNN distances");
    }

    [Fact]
    public void Own_knn_gives_the_golden_lid_at_both_lid_epochs()
    {
        var tleExpected = Golden.Series<double>("lid_tle");
        var mleExpected = Golden.Series<double>("lid_mle");
        int[] epochs = [10, 20];
        for (var s = 0; s < epochs.Length; s++)
        {
            var points = Golden.PointsAt(epochs[s]);
            var graph = CpuDistanceKernel.Default.NearestNeighbors(points, 30);
            Golden.AssertAllClose(Golden.Row(tleExpected, s), LocalIntrinsicDimension.Tle(points, graph), 1e-10, $"TLE epoch {epochs[s]}");
            Golden.AssertAllClose(Golden.Row(mleExpected, s), LocalIntrinsicDimension.Mle(graph), 1e-10, $"MLE epoch {epochs[s]}");
        }
    }

    [Fact]
    public void Tle_edge_fixture_with_duplicates_and_near_duplicates_is_reproduced_from_its_knn()
    {
        var points = Golden.Array<double>("tle_edge", "points.npy");
        var dists = Golden.Array<double>("tle_edge", "knn10_dists.npy");
        var idx = Golden.Array<int>("tle_edge", "knn10_idx.npy");
        var expected = CsvTable.Read(RepoPaths.Golden("tle_edge", "expected.csv"));
        var set = new PointSet(points.Data, points.Dim(0), points.Dim(1));
        var graph = new NeighborGraph(dists.Data, idx.Data, dists.Dim(0), dists.Dim(1));
        var tle = LocalIntrinsicDimension.Tle(set, graph, 10, 1e-4);
        var mle = LocalIntrinsicDimension.Mle(graph, 10);
        Golden.AssertAllClose(expected.Column("tle_k10"), tle, 1e-10, "edge TLE");
        Golden.AssertAllClose(expected.Column("mle_k10"), mle, 1e-10, "edge MLE");
        Assert.Equal(0, mle[0]);
    }

    [Fact]
    public void Tle_edge_fixture_is_reproduced_with_the_own_knn_too()
    {
        var points = Golden.Array<double>("tle_edge", "points.npy");
        var dists = Golden.Array<double>("tle_edge", "knn10_dists.npy");
        var expected = CsvTable.Read(RepoPaths.Golden("tle_edge", "expected.csv"));
        var set = new PointSet(points.Data, points.Dim(0), points.Dim(1));
        var graph = CpuDistanceKernel.Default.NearestNeighbors(set, 10);
        Golden.AssertAllClose(dists.Data, graph.Distances, 1e-14, "edge kNN distances");
        Golden.AssertAllClose(expected.Column("tle_k10"), LocalIntrinsicDimension.Tle(set, graph, 10), 1e-10, "edge TLE (own kNN)");
    }

    [Fact]
    public void Tle_of_one_neighbourhood_equals_the_batch_value()
    {
        var graph = GoldenKnn30();
        var points = Golden.PointsAt(10);
        var batch = LocalIntrinsicDimension.Tle(points, graph);
        var single = LocalIntrinsicDimension.Tle(graph.DistancesOf(7), points.Select(graph.NeighborsOf(7)).Data, points.Dimension);
        Assert.Equal(batch[7], single);
    }

    [Fact]
    public void Tle_with_zero_radius_raises_and_mle_degenerate_rows_are_zero()
    {
        var same = new PointSet(new double[12], 4, 3);
        var graph = CpuDistanceKernel.Default.NearestNeighbors(same, 3);
        var e = Assert.Throws<InvalidDataException>(() => LocalIntrinsicDimension.Tle(same, graph, 3));
        Assert.Contains("zero", e.Message);
        Assert.Equal(0, LocalIntrinsicDimension.Mle([0.0, 1, 2]));
        Assert.Equal(0, LocalIntrinsicDimension.Mle([0.0, 0, 0]));
        Assert.Equal(0, LocalIntrinsicDimension.Mle([2.0, 2, 2]));
        Assert.Equal(-2 / (Math.Log(0.5)), LocalIntrinsicDimension.Mle([1.0, 2]), 15);
    }
}
