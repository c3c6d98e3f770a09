using HardSamples.Shared.Metrics;
using HardSamples.Shared.Metrics.Extended;
using HardSamples.Shared.Metrics.Kernels;

namespace HardSamples.Shared.Tests.Metrics;

public class ExtendedScoreTests
{
    private static readonly PointSet Line = new([0, 1, 3, 6, 10, 10.01], 6, 1);

    [Fact]
    public void Knn_rarity_is_the_mean_neighbour_distance_and_uniqueness_the_normalised_weighted_3nn()
    {
        var graph = CpuDistanceKernel.Default.NearestNeighbors(Line, 3);
        var rarity = KnnRarity.MeanDistance(graph, 2);
        Assert.Equal((1 + 3) / 2.0, rarity[0], 12);
        Assert.Equal((2 + 3) / 2.0, rarity[2], 12);
        var raw = new double[6];
        for (var i = 0; i < 6; i++)
        {
            var d = graph.DistancesOf(i);
            raw[i] = (0.6 * d[0] + 0.3 * d[1] + 0.1 * d[2]) / 3;
        }
        var uniqueness = KnnRarity.Uniqueness(graph);
        for (var i = 0; i < 6; i++) Assert.Equal(raw[i] / raw.Max(), uniqueness[i], 14);
        Assert.Equal(1.0, uniqueness.Max());
    }

    [Fact]
    public void Prototype_distance_is_the_distance_to_the_own_cluster_centre()
    {
        var points = new PointSet([0, 0, 0, 2, 10, 10, 10, 12], 4, 2);
        var d = PrototypeDistance.Compute(points, new KMeansOptions(Clusters: 2, Inits: 3));
        Assert.Equal([1.0, 1, 1, 1], d);
    }

    [Fact]
    public void Training_dynamics_are_mean_population_std_and_fraction_correct()
    {
        // [E=3, n=2] by sample.
        var scores = TrainingDynamics.Compute<float, byte>([0.2f, 0.9f, 0.4f, 0.9f, 0.6f, 0.9f], [0, 1, 0, 1, 1, 1], 2);
        Assert.Equal(0.4, scores.Confidence[0], 6);
        Assert.Equal(Math.Sqrt(0.08 / 3), scores.Variability[0], 6);
        Assert.Equal(1 / 3.0, scores.Correctness[0], 12);
        Assert.Equal(0, scores.Variability[1], 12);
        Assert.Throws<InvalidDataException>(() => TrainingDynamics.Compute<float, byte>([1.5f, 0.5f], [0, 0], 2));
    }

    [Fact]
    public void Forgetting_events_count_correct_to_incorrect_transitions_and_never_learnt_gets_e()
    {
        // Sample 0: 1,0,1,0 → 2 events; sample 1: 0,0,0,0 → never learnt → 4; sample 2: 0,1,1,1 → 0.
        byte[] correct = [1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0, 1];
        Assert.Equal([2.0, 4, 0], ForgettingEvents.Count<byte>(correct, 3));
    }

    [Fact]
    public void Margins_and_aum_use_the_assigned_label_against_the_largest_other_logit()
    {
        // [E=2, n=2, C=3]
        float[] logits = [3, 1, 0, 0, 2, 5, 1, 1, 4, 0, 6, 2];
        var m = MarginScores.Compute<float>(logits, [0, 1], 3);
        Assert.Equal([(2.0 + -3) / 2, (-3.0 + 4) / 2], m.Aum);
        Assert.Equal([-3.0, 4], m.LastMargin);
        Assert.Throws<InvalidDataException>(() => MarginScores.Compute<float>(logits, [0, 3], 3));
    }

    [Fact]
    public void Near_duplicates_by_absolute_and_relative_threshold()
    {
        var abs = NearDuplicates.Find(Line, new NearDuplicateOptions(AbsoluteThreshold: 0.5));
        var pair = Assert.Single(abs.Pairs);
        Assert.Equal((4, 5), (pair.First, pair.Second));
        Assert.Equal(0.01, pair.Distance, 12);
        // Nearest distances: 1, 1, 2, 3, 0.01, 0.01 → median 1; 0.05 × 1 = 0.05.
        var rel = NearDuplicates.Find(Line, new NearDuplicateOptions());
        Assert.Equal(0.05, rel.Threshold, 12);
        Assert.Single(rel.Pairs);
    }
}
