namespace HardSamples.Shared.Metrics;

/// <summary>
/// The k nearest neighbours of every point, self excluded, each row sorted by distance (ties by index).
/// Row-major <c>[Count, K]</c> buffers, like scikit-learn's <c>NearestNeighbors().kneighbors()</c>.
/// </summary>
public sealed class NeighborGraph
{
    /// <summary>Wraps the buffers (not copied).</summary>
    public NeighborGraph(double[] distances, int[] indices, int count, int k)
    {
        ArgumentNullException.ThrowIfNull(distances);
        ArgumentNullException.ThrowIfNull(indices);
        if (k < 1) throw new ArgumentException($"k must be at least 1, got {k}.", nameof(k));
        if (distances.LongLength != (long)count * k || indices.LongLength != (long)count * k)
            throw new ArgumentException($"A {count}×{k} neighbour graph needs {(long)count * k} distances and indices; got {distances.Length} and {indices.Length}.");
        Distances = distances;
        Indices = indices;
        Count = count;
        K = k;
    }

    /// <summary>Distances, row-major <c>[Count, K]</c>, ascending within a row.</summary>
    public double[] Distances { get; }

    /// <summary>Neighbour indices, row-major <c>[Count, K]</c>.</summary>
    public int[] Indices { get; }

    /// <summary>Number of points.</summary>
    public int Count { get; }

    /// <summary>Neighbours per point.</summary>
    public int K { get; }

    /// <summary>Sorted distances of point <paramref name="i"/>'s neighbours.</summary>
    public ReadOnlySpan<double> DistancesOf(int i) => Distances.AsSpan(i * K, K);

    /// <summary>Indices of point <paramref name="i"/>'s neighbours.</summary>
    public ReadOnlySpan<int> NeighborsOf(int i) => Indices.AsSpan(i * K, K);

    /// <summary>The first <paramref name="k"/> neighbours of every row (the kNN graph for a smaller k).</summary>
    public NeighborGraph Truncate(int k)
    {
        if (k < 1 || k > K) throw new ArgumentOutOfRangeException(nameof(k), $"k must be in [1, {K}], got {k}.");
        if (k == K) return this;
        var d = new double[Count * k];
        var ix = new int[Count * k];
        for (var i = 0; i < Count; i++)
        {
            DistancesOf(i)[..k].CopyTo(d.AsSpan(i * k, k));
            NeighborsOf(i)[..k].CopyTo(ix.AsSpan(i * k, k));
        }
        return new NeighborGraph(d, ix, Count, k);
    }
}

/// <summary>Two points closer than a threshold (<see cref="First"/> &lt; <see cref="Second"/>).</summary>
/// <param name="First">The smaller index.</param>
/// <param name="Second">The larger index.</param>
/// <param name="Distance">Exact Euclidean distance.</param>
public readonly record struct NeighborPair(int First, int Second, double Distance);
