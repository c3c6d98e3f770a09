namespace HardSamples.Shared.Metrics.Kernels;

/// <summary>
/// The reference <see cref="IDistanceKernel"/>: blocked, SIMD (<see cref="System.Numerics.Vector{T}"/>) and
/// multi-core (<see cref="Parallel"/> over fixed partitions), float64 with exact distances. Results do not depend on
/// the degree of parallelism.
/// </summary>
public sealed class CpuDistanceKernel : IDistanceKernel
{
    private readonly int _maxDegreeOfParallelism;

    /// <summary>Creates a kernel; <paramref name="maxDegreeOfParallelism"/> null or ≤ 0 uses every core.</summary>
    public CpuDistanceKernel(int? maxDegreeOfParallelism = null)
    {
        _maxDegreeOfParallelism = maxDegreeOfParallelism is > 0 ? maxDegreeOfParallelism.Value : -1;
    }

    /// <summary>A shared instance using every core.</summary>
    public static CpuDistanceKernel Default { get; } = new();

    /// <inheritdoc />
    public string Name => "cpu";

    /// <inheritdoc />
    public NeighborGraph NearestNeighbors(PointSet points, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        return ExactKnn.Search(points, k, Options(cancellationToken));
    }

    /// <inheritdoc />
    public double[] ClusterDistanceSums(PointSet points, int[] labels, int clusterCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        return Kernels.ClusterDistanceSums.Compute(points, labels, clusterCount, Options(cancellationToken));
    }

    /// <inheritdoc />
    public void AssignNearest(PointSet points, PointSet centres, int[] labels, double[] squaredDistances)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(centres);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(squaredDistances);
        NearestCentre.Assign(points, centres, labels, squaredDistances, Options(CancellationToken.None));
    }

    /// <inheritdoc />
    public IReadOnlyList<NeighborPair> PairsWithin(PointSet points, double radius, int maxPairs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        return RadiusPairs.Find(points, radius, maxPairs, Options(cancellationToken));
    }

    internal ParallelOptions Options(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = _maxDegreeOfParallelism, CancellationToken = cancellationToken };
}
