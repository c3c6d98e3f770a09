using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HardSamples.Shared.Metrics.Kernels;

/// <summary>
/// CPU building blocks of k-means, vectorised over points on the transposed data: one Lloyd step (assignment with
/// fused multiply-add squared distances, ties to the lowest centre, plus per-cluster sums and counts in the same
/// pass, reduced in a fixed task order so results do not depend on the thread count) and squared distances to a
/// few candidate centres (k-means++).
/// </summary>
internal static class KMeansSteps
{
    private const int PointsPerTask = 4096;

    /// <summary>Assigns every point to its nearest centre and accumulates per-cluster coordinate sums and counts.</summary>
    public static void LloydStep(PointSet points, double[] centres, int k, int[] labels, double[] squaredDistances, double[] sums, int[] counts, ParallelOptions options)
    {
        int n = points.Count, dim = points.Dimension;
        var cols = ColumnMajor.Of(points);
        var broadcast = Broadcast(centres, k * dim);
        var tasks = (n + PointsPerTask - 1) / PointsPerTask;
        var partialSums = new double[tasks * k * dim];
        var partialCounts = new int[tasks * k];
        Parallelism.For(0, tasks, options, t =>
        {
            var s = t * PointsPerTask;
            var e = Math.Min(n, s + PointsPerTask);
            Assign(cols, n, dim, broadcast, k, s, e, labels, squaredDistances);
            var sum = partialSums.AsSpan(t * k * dim, k * dim);
            var count = partialCounts.AsSpan(t * k, k);
            for (var j = s; j < e; j++)
            {
                var c = labels[j];
                count[c]++;
                for (var d = 0; d < dim; d++) sum[c * dim + d] += cols[d * n + j];
            }
        });
        Array.Clear(sums);
        Array.Clear(counts);
        for (var t = 0; t < tasks; t++)
        {
            var sum = partialSums.AsSpan(t * k * dim, k * dim);
            for (var i = 0; i < sum.Length; i++) sums[i] += sum[i];
            for (var c = 0; c < k; c++) counts[c] += partialCounts[t * k + c];
        }
    }

    /// <summary>Assignment only (labels and squared distances).</summary>
    public static void Assign(PointSet points, double[] centres, int k, int[] labels, double[] squaredDistances, ParallelOptions options)
    {
        int n = points.Count, dim = points.Dimension;
        var cols = ColumnMajor.Of(points);
        var broadcast = Broadcast(centres, k * dim);
        var tasks = (n + PointsPerTask - 1) / PointsPerTask;
        Parallelism.For(0, tasks, options, t =>
        {
            var s = t * PointsPerTask;
            Assign(cols, n, dim, broadcast, k, s, Math.Min(n, s + PointsPerTask), labels, squaredDistances);
        });
    }

    /// <summary>Squared distances of every point to each of <paramref name="m"/> candidates: <c>output[t·N + j]</c>.</summary>
    public static void DistancesTo(PointSet points, double[] candidates, int m, double[] output, ParallelOptions options)
    {
        int n = points.Count, dim = points.Dimension;
        var cols = ColumnMajor.Of(points);
        var broadcast = Broadcast(candidates, m * dim);
        var tasks = (n + PointsPerTask - 1) / PointsPerTask;
        Parallelism.For(0, tasks, options, t =>
        {
            var vc = Vector<double>.Count;
            ref var c0 = ref MemoryMarshal.GetArrayDataReference(cols);
            ref var b0 = ref MemoryMarshal.GetArrayDataReference(broadcast);
            ref var o0 = ref MemoryMarshal.GetArrayDataReference(output);
            var s = t * PointsPerTask;
            var e = Math.Min(n, s + PointsPerTask);
            var j = s;
            for (; j <= e - vc; j += vc)
            {
                for (var c = 0; c < m; c++)
                {
                    var acc = Vector<double>.Zero;
                    for (var d = 0; d < dim; d++)
                    {
                        var diff = Vector.LoadUnsafe(ref c0, (nuint)(d * n + j)) - Unsafe.Add(ref b0, c * dim + d);
                        acc = Vector.FusedMultiplyAdd(diff, diff, acc);
                    }
                    acc.StoreUnsafe(ref o0, (nuint)(c * n + j));
                }
            }
            for (; j < e; j++)
            {
                for (var c = 0; c < m; c++)
                {
                    var acc = 0.0;
                    for (var d = 0; d < dim; d++)
                    {
                        var diff = cols[d * n + j] - candidates[c * dim + d];
                        acc = Math.FusedMultiplyAdd(diff, diff, acc);
                    }
                    output[c * n + j] = acc;
                }
            }
        });
    }

    private static Vector<double>[] Broadcast(double[] values, int count)
    {
        var broadcast = new Vector<double>[count];
        for (var i = 0; i < count; i++) broadcast[i] = new Vector<double>(values[i]);
        return broadcast;
    }

    private static void Assign(double[] cols, int n, int dim, Vector<double>[] broadcast, int k, int s, int e, int[] labels, double[] best)
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
            for (var c = 0; c < k; c++)
            {
                var acc = Vector<double>.Zero;
                for (var d = 0; d < dim; d++)
                {
                    var diff = Unsafe.Add(ref x0, d) - Unsafe.Add(ref centre, d);
                    acc = Vector.FusedMultiplyAdd(diff, diff, acc);
                }
                var better = Vector.LessThan(acc, bestD);
                bestD = Vector.ConditionalSelect(better, acc, bestD);
                bestL = Vector.ConditionalSelect(better, new Vector<long>(c), bestL);
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
            for (var c = 0; c < k; c++)
            {
                var acc = 0.0;
                for (var d = 0; d < dim; d++)
                {
                    var diff = cols[d * n + j] - broadcast[c * dim + d][0];
                    acc = Math.FusedMultiplyAdd(diff, diff, acc);
                }
                if (acc < bd)
                {
                    bd = acc;
                    bl = c;
                }
            }
            best[j] = bd;
            labels[j] = bl;
        }
    }
}
