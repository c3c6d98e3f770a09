using HardSamples.Shared.Metrics.Kernels;

namespace HardSamples.Shared.Metrics;

/// <summary>
/// Per-sample silhouette (scikit-learn's <c>silhouette_samples</c>, euclidean, with exact distances):
/// a = mean distance to the other members of the own cluster, b = the smallest mean distance to another cluster,
/// s = (b − a)/max(a, b); s = 0 for singleton clusters and when a = b = 0. O(N²·D) through
/// <see cref="IDistanceKernel.ClusterDistanceSums"/> (one blocked pass).
/// </summary>
public static class Silhouette
{
    /// <summary>Silhouette of every point. Labels may be any integers; only the labels present count as clusters.</summary>
    /// <exception cref="ArgumentException">Fewer than 2 or more than N−1 distinct labels (undefined, as in scikit-learn).</exception>
    public static double[] Samples(PointSet points, int[] labels, IDistanceKernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != points.Count) throw new ArgumentException($"{labels.Length} labels for {points.Count} points.", nameof(labels));
        var distinct = labels.Distinct().Order().ToArray();
        if (distinct.Length < 2 || distinct.Length > points.Count - 1)
            throw new ArgumentException($"Silhouette needs 2 ≤ clusters ≤ N−1; there are {distinct.Length} distinct labels for {points.Count} points.", nameof(labels));
        var dense = new Dictionary<int, int>();
        for (var c = 0; c < distinct.Length; c++) dense[distinct[c]] = c;
        var encoded = labels.Select(l => dense[l]).ToArray();
        var k = distinct.Length;
        var size = new int[k];
        foreach (var c in encoded) size[c]++;
        var sums = (kernel ?? CpuDistanceKernel.Default).ClusterDistanceSums(points, encoded, k, cancellationToken);
        return FromSums(sums, encoded, size);
    }

    /// <summary>Silhouette values from per-cluster distance sums <c>[N, k]</c>, dense labels and cluster sizes.</summary>
    public static double[] FromSums(double[] sums, int[] labels, int[] size)
    {
        ArgumentNullException.ThrowIfNull(sums);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(size);
        var k = size.Length;
        var n = labels.Length;
        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            var own = labels[i];
            if (size[own] <= 1) continue;
            var a = sums[i * k + own] / (size[own] - 1);
            var b = double.PositiveInfinity;
            for (var c = 0; c < k; c++)
            {
                if (c == own || size[c] == 0) continue;
                b = Math.Min(b, sums[i * k + c] / size[c]);
            }
            var max = Math.Max(a, b);
            result[i] = max > 0 && double.IsFinite(b) ? (b - a) / max : 0;
        }
        return result;
    }
}
