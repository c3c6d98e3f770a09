namespace HardSamples.Shared.Metrics.Extended;

/// <summary>
/// kNN-distance rarity scores on an embedding (larger = rarer, more isolated).
/// <para><see cref="MeanDistance"/>: mean distance to the k nearest neighbours, the common kNN "uniqueness"
/// (e.g. FiftyOne's recipe, Voxel51 FiftyOne Brain <c>compute_uniqueness</c>, and kNN outlier scores,
/// Ramaswamy et al. 2000).</para>
/// <para><see cref="Uniqueness"/>: FiftyOne Brain's <c>compute_uniqueness</c> formula on these embeddings:
/// the 3 nearest neighbour distances weighted 0.6/0.3/0.1, averaged, then divided by the dataset maximum so
/// values lie in [0, 1]. (FiftyOne uses its own image model and cosine metric; here the probe's embedding and
/// Euclidean distance are used.)</para>
/// </summary>
public static class KnnRarity
{
    private static readonly double[] UniquenessWeights = [0.6, 0.3, 0.1];

    /// <summary>Mean distance to the first <paramref name="k"/> neighbours.</summary>
    public static double[] MeanDistance(NeighborGraph graph, int k)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (k < 1 || k > graph.K) throw new ArgumentOutOfRangeException(nameof(k), $"k must be in [1, {graph.K}], got {k}.");
        var result = new double[graph.Count];
        for (var i = 0; i < graph.Count; i++)
        {
            var d = graph.DistancesOf(i);
            var s = 0.0;
            for (var t = 0; t < k; t++) s += d[t];
            result[i] = s / k;
        }
        return result;
    }

    /// <summary>FiftyOne-style uniqueness in [0, 1]; all zeros when every point has 3 exact duplicates.</summary>
    public static double[] Uniqueness(NeighborGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var k = UniquenessWeights.Length;
        if (graph.K < k) throw new ArgumentException($"Uniqueness needs a graph with at least {k} neighbours, got {graph.K}.", nameof(graph));
        var result = new double[graph.Count];
        var max = 0.0;
        for (var i = 0; i < graph.Count; i++)
        {
            var d = graph.DistancesOf(i);
            var s = 0.0;
            for (var t = 0; t < k; t++) s += d[t] * UniquenessWeights[t];
            result[i] = s / k;
            max = Math.Max(max, result[i]);
        }
        if (max > 0)
        {
            for (var i = 0; i < result.Length; i++) result[i] /= max;
        }
        return result;
    }
}
