using HardSamples.Shared.Metrics.Kernels;

namespace HardSamples.Shared.Metrics.Extended;

/// <summary>How close two embeddings must be to count as near-duplicates.</summary>
/// <param name="AbsoluteThreshold">A fixed distance; when null the threshold is relative.</param>
/// <param name="RelativeThreshold">Fraction of the median nearest-neighbour distance (used when no absolute threshold is given).</param>
/// <param name="MaxPairs">Guard against a threshold that selects a large part of all pairs.</param>
public sealed record NearDuplicateOptions(double? AbsoluteThreshold = null, double RelativeThreshold = 0.05, int MaxPairs = 1_000_000);

/// <summary>The near-duplicate pairs found and the distance threshold that was applied.</summary>
/// <param name="Pairs">Pairs (i &lt; j) sorted by distance.</param>
/// <param name="Threshold">Distance threshold used.</param>
/// <param name="MedianNearestDistance">Median nearest-neighbour distance (NaN-free; 0 when not computed).</param>
public sealed record NearDuplicateResult(IReadOnlyList<NeighborPair> Pairs, double Threshold, double MedianNearestDistance);

/// <summary>
/// Near-duplicate detection by embedding distance (as in embedding-based de-duplication, e.g. SemDeDup, Abbas et
/// al. 2023, and FiftyOne Brain's <c>compute_near_duplicates</c>): every pair closer than a threshold, absolute or
/// relative to the median nearest-neighbour distance so it adapts to the embedding's scale.
/// </summary>
public static class NearDuplicates
{
    /// <summary>Finds the pairs.</summary>
    public static NearDuplicateResult Find(PointSet points, NearDuplicateOptions options, IDistanceKernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(options);
        kernel ??= CpuDistanceKernel.Default;
        if (points.Count < 2) return new NearDuplicateResult([], 0, 0);
        double threshold, median = 0;
        if (options.AbsoluteThreshold is { } absolute)
        {
            if (!(absolute >= 0) || double.IsInfinity(absolute)) throw new ArgumentException($"The absolute threshold must be finite and non-negative, got {absolute}.", nameof(options));
            threshold = absolute;
        }
        else
        {
            if (!(options.RelativeThreshold >= 0) || double.IsInfinity(options.RelativeThreshold))
                throw new ArgumentException($"The relative threshold must be finite and non-negative, got {options.RelativeThreshold}.", nameof(options));
            var nearest = kernel.NearestNeighbors(points, 1, cancellationToken).Distances;
            median = Median(nearest);
            threshold = options.RelativeThreshold * median;
        }
        var pairs = kernel.PairsWithin(points, threshold, options.MaxPairs, cancellationToken);
        return new NearDuplicateResult(pairs, threshold, median);
    }

    /// <summary>The median (mean of the two middle values for an even count); the input is not changed.</summary>
    internal static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        var m = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
