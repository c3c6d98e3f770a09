using HardSamples.Shared.Metrics;
using HardSamples.Shared.Metrics.Kernels;

namespace HardSamples.Shared.Tests.Metrics;

public class KernelTests
{
    /// <summary>Random clustered points with exact duplicates and ties, in an awkward count (not a multiple of any block).</summary>
    private static PointSet Awkward(int n = 1301, int dim = 7, int seed = 3)
    {
        var rng = new Random(seed);
        var data = new double[n * dim];
        for (var i = 0; i < n; i++)
        {
            var c = rng.Next(5);
            for (var d = 0; d < dim; d++) data[i * dim + d] = c + Math.Round(rng.NextDouble() * 8) / 16;
        }
        // A few exact duplicates of point 0.
        for (var i = 1; i < 6; i++) Array.Copy(data, 0, data, i * 97 * dim % (n * dim), dim);
        return new PointSet(data, n, dim);
    }

    private static (double[] D, int[] I) NaiveKnn(PointSet p, int k)
    {
        var d = new double[p.Count * k];
        var ix = new int[p.Count * k];
        for (var i = 0; i < p.Count; i++)
        {
            var best = Enumerable.Range(0, p.Count).Where(j => j != i)
                .Select(j => (D: PointSet.SquaredDistance(p.Row(i), p.Row(j)), J: j))
                .OrderBy(t => t.D).ThenBy(t => t.J).Take(k).ToArray();
            for (var t = 0; t < k; t++)
            {
                d[i * k + t] = Math.Sqrt(best[t].D);
                ix[i * k + t] = best[t].J;
            }
        }
        return (d, ix);
    }

    [Fact]
    public void Knn_equals_a_naive_sort_by_distance_then_index_including_ties_and_duplicates()
    {
        var points = Awkward();
        var (d, ix) = NaiveKnn(points, 9);
        var graph = CpuDistanceKernel.Default.NearestNeighbors(points, 9);
        Assert.Equal(ix, graph.Indices);
        Assert.Equal(d, graph.Distances);
    }

    [Fact]
    public void Knn_is_exact_for_far_offset_data_and_near_ties_below_float32_resolution()
    {
        var rng = new Random(11);
        var n = 900;
        var data = new double[n * 6];
        for (var i = 0; i < data.Length; i++) data[i] = 1000 + 1e-3 * rng.NextDouble();
        // Near-ties: copies of point 0 moved by less than float32 can resolve.
        for (var c = 1; c <= 40; c++)
        {
            for (var d = 0; d < 6; d++) data[c * 6 + d] = data[d] + c * 1e-12 * (d + 1);
        }
        var points = new PointSet(data, n, 6);
        var (dist, ix) = NaiveKnn(points, 12);
        var graph = CpuDistanceKernel.Default.NearestNeighbors(points, 12);
        Assert.Equal(ix, graph.Indices);
        Assert.Equal(dist, graph.Distances);
    }

    [Fact]
    public void Knn_handles_more_duplicates_than_k_through_the_exact_fallback()
    {
        var data = new double[200 * 3];
        for (var i = 0; i < 200; i++) data[i * 3] = i < 120 ? 1.0 : i;
        var points = new PointSet(data, 200, 3);
        var (d, ix) = NaiveKnn(points, 5);
        var graph = CpuDistanceKernel.Default.NearestNeighbors(points, 5);
        Assert.Equal(ix, graph.Indices);
        Assert.Equal(d, graph.Distances);
    }

    [Fact]
    public void Knn_rejects_k_of_n_or_more()
    {
        var points = Awkward(10, 2);
        Assert.Throws<ArgumentException>(() => CpuDistanceKernel.Default.NearestNeighbors(points, 10));
        Assert.Throws<ArgumentException>(() => CpuDistanceKernel.Default.NearestNeighbors(points, 0));
    }

    [Fact]
    public void Cluster_distance_sums_equal_naive_sums_and_do_not_depend_on_the_core_count()
    {
        var points = Awkward(1700, 5);
        var labels = Enumerable.Range(0, points.Count).Select(i => (i * 7 + i / 300) % 6).ToArray();
        labels[5] = 6; // a singleton cluster
        var one = new CpuDistanceKernel(1).ClusterDistanceSums(points, labels, 8);
        var many = new CpuDistanceKernel(8).ClusterDistanceSums(points, labels, 8);
        Assert.Equal(one, many);
        for (var i = 0; i < points.Count; i += 37)
        {
            for (var c = 0; c < 8; c++)
            {
                var naive = 0.0;
                for (var j = 0; j < points.Count; j++)
                {
                    if (labels[j] == c) naive += points.Distance(i, j);
                }
                Golden.AssertClose(naive, one[i * 8 + c], 1e-13, $"sum[{i},{c}]");
            }
        }
    }

    [Fact]
    public void Assign_nearest_matches_a_naive_argmin_with_lowest_index_on_ties()
    {
        var points = Awkward(503, 4);
        var centres = new PointSet([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3, 3, 3], 4, 4);
        var labels = new int[points.Count];
        var d2 = new double[points.Count];
        CpuDistanceKernel.Default.AssignNearest(points, centres, labels, d2);
        for (var i = 0; i < points.Count; i++)
        {
            var dists = Enumerable.Range(0, 4).Select(c => PointSet.SquaredDistance(points.Row(i), centres.Row(c))).ToArray();
            var best = Array.IndexOf(dists, dists.Min());
            Assert.Equal(best, labels[i]);
            Assert.Equal(dists[best], d2[i]);
            Assert.NotEqual(2, labels[i]);
        }
    }

    [Fact]
    public void Pairs_within_a_radius_equal_a_naive_scan()
    {
        var points = Awkward(600, 3);
        var radius = 0.2;
        var naive = new List<NeighborPair>();
        for (var i = 0; i < points.Count; i++)
        {
            for (var j = i + 1; j < points.Count; j++)
            {
                var d = points.Distance(i, j);
                if (d <= radius) naive.Add(new NeighborPair(i, j, d));
            }
        }
        var found = CpuDistanceKernel.Default.PairsWithin(points, radius, 1_000_000);
        Assert.Equal(naive.OrderBy(p => p.Distance).ThenBy(p => p.First).ThenBy(p => p.Second), found);
        Assert.Throws<InvalidOperationException>(() => CpuDistanceKernel.Default.PairsWithin(points, 100, 10));
    }

    [Fact]
    public void Point_sets_reject_non_finite_values_and_bad_shapes()
    {
        Assert.Throws<InvalidDataException>(() => new PointSet([1, double.NaN], 1, 2));
        Assert.Throws<InvalidDataException>(() => PointSet.FromSingle([1f, float.PositiveInfinity], 1, 2));
        Assert.Throws<ArgumentException>(() => new PointSet([1, 2, 3], 2, 2));
    }
}
