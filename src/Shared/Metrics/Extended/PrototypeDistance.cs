using HardSamples.Shared.Metrics.Kernels;

namespace HardSamples.Shared.Metrics.Extended;

/// <summary>
/// Self-supervised prototype metric (Sorscher et al. 2022, "Beyond neural scaling laws: beating power law scaling
/// via data pruning", NeurIPS): k-means in embedding space, and each sample's Euclidean distance to its nearest
/// cluster centre (prototype). Far from the prototype = hard/atypical; close = easy/prototypical.
/// </summary>
public static class PrototypeDistance
{
    /// <summary>Clusters <paramref name="points"/> and returns every point's distance to its centre.</summary>
    public static double[] Compute(PointSet points, KMeansOptions options, IDistanceKernel? kernel = null, CancellationToken cancellationToken = default)
    {
        var fit = KMeans.Fit(points, options, kernel, cancellationToken);
        return FromClustering(points, fit);
    }

    /// <summary>Distance of every point to the centre of its cluster in <paramref name="clustering"/>.</summary>
    public static double[] FromClustering(PointSet points, KMeansResult clustering)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(clustering);
        var result = new double[points.Count];
        for (var i = 0; i < result.Length; i++)
            result[i] = PointSet.EuclideanDistance(points.Row(i), clustering.Centres.Row(clustering.Labels[i]));
        return result;
    }
}
