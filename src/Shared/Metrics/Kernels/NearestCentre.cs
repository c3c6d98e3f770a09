using System.Numerics;
using System.Runtime.InteropServices;

namespace HardSamples.Shared.Metrics.Kernels;

/// <summary>Nearest-centre assignment with exact squared distances, vectorised over points (ties: lowest centre index).</summary>
internal static class NearestCentre
{
    private const int PointsPerTask = 4096;

    public static void Assign(PointSet points, PointSet centres, int[] labels, double[] squaredDistances, ParallelOptions options)
    {
        int n = points.Count, dim = points.Dimension, k = centres.Count;
        if (centres.Dimension != dim) throw new ArgumentException($"Centres have {centres.Dimension} dimensions, points {dim}.", nameof(centres));
        if (k < 1) throw new ArgumentException("At least one centre is needed.", nameof(centres));
        if (labels.Length != n || squaredDistances.Length != n)
            throw new ArgumentException($"Output buffers must hold {n} entries (labels {labels.Length}, distances {squaredDistances.Length}).");
        var cols = ColumnMajor.Of(points);
        var c = centres.Data;
        var tasks = (n + PointsPerTask - 1) / PointsPerTask;
        Parallelism.For(0, tasks, options, t =>
        {
            var s = t * PointsPerTask;
            AssignRange(cols, n, dim, c, k, s, Math.Min(n, s + PointsPerTask), labels, squaredDistances);
        });
    }

    private static void AssignRange(double[] cols, int n, int dim, double[] c, int k, int s, int e, int[] labels, double[] best)
    {
        var vc = Vector<double>.Count;
        ref var c0 = ref MemoryMarshal.GetArrayDataReference(cols);
        Span<double> bestLane = stackalloc double[vc];
        Span<long> labelLane = stackalloc long[vc];
        var j = s;
        for (; j <= e - vc; j += vc)
        {
            var bestD = new Vector<double>(double.PositiveInfinity);
            var bestL = Vector<long>.Zero;
            for (var centre = 0; centre < k; centre++)
            {
                var acc = Vector<double>.Zero;
                for (var d = 0; d < dim; d++)
                {
                    var diff = Vector.LoadUnsafe(ref c0, (nuint)(d * n + j)) - new Vector<double>(c[centre * dim + d]);
                    acc += diff * diff;
                }
                var better = Vector.LessThan(acc, bestD);
                bestD = Vector.ConditionalSelect(better, acc, bestD);
                bestL = Vector.ConditionalSelect(better, new Vector<long>(centre), bestL);
            }
            bestD.CopyTo(bestLane);
            bestL.CopyTo(labelLane);
            for (var l = 0; l < vc; l++)
            {
                best[j + l] = bestLane[l];
                labels[j + l] = (int)labelLane[l];
            }
        }
        for (; j < e; j++)
        {
            var bd = double.PositiveInfinity;
            var bl = 0;
            for (var centre = 0; centre < k; centre++)
            {
                var acc = 0.0;
                for (var d = 0; d < dim; d++)
                {
                    var diff = cols[d * n + j] - c[centre * dim + d];
                    acc += diff * diff;
                }
                if (acc < bd)
                {
                    bd = acc;
                    bl = centre;
                }
            }
            best[j] = bd;
            labels[j] = bl;
        }
    }
}
