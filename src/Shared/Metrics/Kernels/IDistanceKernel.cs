namespace HardSamples.Shared.Metrics.Kernels;

/// <summary>
/// The O(N²) distance work behind the metrics: exact kNN, per-cluster distance sums (silhouette), nearest-centre
/// assignment (k-means) and radius pairs (near-duplicates). <see cref="CpuDistanceKernel"/> is the reference; a
/// TorchSharp implementation in the GPU runner uses CUDA when present. Implementations must return exact
/// Euclidean distances (float64) in the documented order so results do not depend on the kernel.
/// </summary>
public interface IDistanceKernel
{
    /// <summary>Short name for logs and benchmarks.</summary>
    string Name { get; }

    /// <summary>The <paramref name="k"/> nearest neighbours of every point, self excluded, sorted by distance then index.</summary>
    /// <exception cref="ArgumentException">k is not in [1, Count−1].</exception>
    NeighborGraph NearestNeighbors(PointSet points, int k, CancellationToken cancellationToken = default);

    /// <summary>
    /// For every point i and cluster c, Σ over points j with <c>labels[j] = c</c> of ‖x_i − x_j‖ (the point itself adds 0).
    /// Row-major <c>[Count, clusterCount]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A label is outside [0, clusterCount) or the lengths differ.</exception>
    double[] ClusterDistanceSums(PointSet points, int[] labels, int clusterCount, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the index of the nearest centre (ties: lowest index) and the squared distance to it for every point.
    /// </summary>
    void AssignNearest(PointSet points, PointSet centres, int[] labels, double[] squaredDistances);

    /// <summary>All pairs i &lt; j with ‖x_i − x_j‖ ≤ <paramref name="radius"/>, sorted by distance, then i, then j.</summary>
    /// <exception cref="InvalidOperationException">More than <paramref name="maxPairs"/> pairs qualify.</exception>
    IReadOnlyList<NeighborPair> PairsWithin(PointSet points, double radius, int maxPairs, CancellationToken cancellationToken = default);
}
