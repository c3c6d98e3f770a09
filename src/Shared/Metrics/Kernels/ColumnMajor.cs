using System.Runtime.CompilerServices;

namespace HardSamples.Shared.Metrics.Kernels;

/// <summary>Transposed (structure-of-arrays) copies of point sets, cached per <see cref="PointSet"/> instance.</summary>
internal static class ColumnMajor
{
    private static readonly ConditionalWeakTable<PointSet, double[]> Cache = new();

    /// <summary>Coordinates as <c>[Dimension, Count]</c>: coordinate d of point j is at <c>d·Count + j</c>.</summary>
    public static double[] Of(PointSet points) => Cache.GetValue(points, Transpose);

    private static double[] Transpose(PointSet points)
    {
        int n = points.Count, dim = points.Dimension;
        var src = points.Data;
        var cols = new double[src.Length];
        for (var j = 0; j < n; j++)
        {
            var row = j * dim;
            for (var d = 0; d < dim; d++) cols[d * n + j] = src[row + d];
        }
        return cols;
    }
}
