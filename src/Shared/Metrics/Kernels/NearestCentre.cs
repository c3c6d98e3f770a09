using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HardSamples.Shared.Metrics.Kernels;

/// <summary>
/// Nearest-centre assignment with exact squared distances Σ(x−c)² (coordinate order, no fused multiply-add),
/// vectorised over points with the centre coordinates pre-broadcast; ties go to the lowest centre index.
/// </summary>
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
        var broadcast = new Vector<double>[k * dim];
        for (var i = 0; i < broadcast.Length; i++) broadcast[i] = new Vector<double>(centres.Data[i]);
        var tasks = (n + PointsPerTask - 1) / PointsPerTask;
        Parallelism.For(0, tasks, options, t =>
        {
            var s = t * PointsPerTask;
            AssignRange(cols, n, dim, centres.Data, broadcast, k, s, Math.Min(n, s + PointsPerTask), labels, squaredDistances);
        });
    }

    private static void AssignRange(double[] cols, int n, int dim, double[] c, Vector<double>[] broadcast, int k, int s, int e, int[] labels, double[] best)
    {
        var vc = Vector<double>.Count;
        ref var c0 = ref MemoryMarshal.GetArrayDataReference(cols);
        ref var b0 = ref MemoryMarshal.GetArrayDataReference(broadcast);
        Span<Vector<double>> x = stackalloc Vector<double>[dim];
        ref var x0 = ref MemoryMarshal.GetReference(x);
        Span<double> bestLane = stackalloc double[vc];
        Span<long> labelLane = stackalloc long[vc];
        var j = s;
        for (; j <= e - vc; j += vc)
        {
            for (var d = 0; d < dim; d++) Unsafe.Add(ref x0, d) = Vector.LoadUnsafe(ref c0, (nuint)(d * n + j));
            var bestD = new Vector<double>(double.PositiveInfinity);
            var bestL = Vector<long>.Zero;
            ref var centre = ref b0;
            for (var cIndex = 0; cIndex < k; cIndex++)
            {
                var acc = Vector<double>.Zero;
                for (var d = 0; d < dim; d++)
                {
                    var diff = Unsafe.Add(ref x0, d) - Unsafe.Add(ref centre, d);
                    acc += diff * diff;
                }
                var better = Vector.LessThan(acc, bestD);
                bestD = Vector.ConditionalSelect(better, acc, bestD);
                bestL = Vector.ConditionalSelect(better, new Vector<long>(cIndex), bestL);
                centre = ref Unsafe.Add(ref centre, dim);
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
            for (var centreIndex = 0; centreIndex < k; centreIndex++)
            {
                var acc = 0.0;
                for (var d = 0; d < dim; d++)
                {
                    var diff = cols[d * n + j] - c[centreIndex * dim + d];
                    acc += diff * diff;
                }
                if (acc < bd)
                {
                    bd = acc;
                    bl = centreIndex;
                }
            }
            best[j] = bd;
            labels[j] = bl;
        }
    }
}
