using System.Text.Json;
using HardSamples.Shared.Metrics;
using HardSamples.Shared.Metrics.Kernels;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Metrics;

public class SilhouetteTests
{
    private static readonly int[] SilEpochs = [0, 10, 20];

    [Fact]
    public void Silhouette_from_the_stored_kmeans_labels_matches_golden_within_1e12()
    {
        var labels = Golden.Series<int>("kmeans_labels");
        var expected = Golden.Series<double>("sil");
        for (var s = 0; s < SilEpochs.Length; s++)
        {
            var sil = Silhouette.Samples(Golden.PointsAt(SilEpochs[s]), Golden.Row(labels, s));
            Golden.AssertAllClose(Golden.Row(expected, s), sil, 1e-12, $"silhouette epoch {SilEpochs[s]}");
        }
    }

    [Fact]
    public void Own_kmeans_inertia_is_within_one_percent_of_scikit_learn()
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(RepoPaths.Golden("meta.json")));
        var reference = meta.RootElement.GetProperty("kmeans_inertia").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var s = 0; s < SilEpochs.Length; s++)
        {
            var fit = KMeans.Fit(Golden.PointsAt(SilEpochs[s]), new KMeansOptions());
            Assert.InRange(fit.Inertia, reference[s] * 0.99, reference[s] * 1.01);
            Assert.Equal(fit.Inertia, KMeans.Inertia(Golden.PointsAt(SilEpochs[s]), fit.Labels, fit.Centres), 9);
        }
    }

    [Fact]
    public void Kmeans_is_deterministic_for_a_seed_and_independent_of_the_core_count()
    {
        var points = Golden.PointsAt(20);
        var a = KMeans.Fit(points, new KMeansOptions(Inits: 3), new CpuDistanceKernel(1));
        var b = KMeans.Fit(points, new KMeansOptions(Inits: 3), new CpuDistanceKernel(4));
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Inertia, b.Inertia);
    }

    [Fact]
    public void Singletons_get_zero_and_labels_need_two_to_n_minus_one_clusters()
    {
        var points = new PointSet([0, 0, 1, 0, 5, 0, 6, 0], 4, 2);
        var sil = Silhouette.Samples(points, [7, 7, 3, 9]);
        Assert.Equal(0, sil[2]);
        Assert.Equal(0, sil[3]);
        // a = 1 (its partner), b = min(5 to cluster 3, 6 to cluster 9) = 5 → (5 − 1)/5
        Assert.Equal(0.8, sil[0], 15);
        Assert.Throws<ArgumentException>(() => Silhouette.Samples(points, [1, 1, 1, 1]));
        Assert.Throws<ArgumentException>(() => Silhouette.Samples(points, [0, 1, 2, 3]));
    }
}
