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

    /// <summary>
    /// Hamerly's bounds for one k-means run: per point an upper bound on the distance to its centre and a lower bound
    /// on the distance to every other centre. A whole SIMD group of points is skipped when every lane's upper bound is
    /// below max(lower bound, half the gap from its centre to the nearest other centre); otherwise the group is
    /// rescanned exactly. Labels equal plain Lloyd's.
    /// </summary>
    internal sealed class Bounds(int count)
    {
        public readonly double[] Upper = new double[count];
        public readonly double[] Lower = new double[count];
        public bool Fresh { get; private set; } = true;

        /// <summary>Forgets the bounds (every point is rescanned next time).</summary>
        public void Reset() => Fresh = true;

        internal void MarkValid() => Fresh = false;

        /// <summary>After centres moved by <paramref name="moved"/>: upper bounds grow by the own centre's move, lower bounds shrink by the largest other move.</summary>
        public void Loosen(int[] labels, double[] moved)
        {
            if (Fresh) return;
            int first = 0, second = -1;
            for (var c = 1; c < moved.Length; c++)
            {
                if (moved[c] > moved[first])
                {
                    second = first;
                    first = c;
                }
                else if (second < 0 || moved[c] > moved[second])
                {
                    second = c;
                }
            }
            var secondMove = second < 0 ? 0 : moved[second];
            for (var i = 0; i < labels.Length; i++)
            {
                Upper[i] += moved[labels[i]];
                Lower[i] -= labels[i] == first ? secondMove : moved[first];
            }
        }
    }

    /// <summary><see cref="LloydStep"/> with Hamerly's bounds: groups of points proven to keep their centre are not rescanned.</summary>
    public static void BoundedLloydStep(PointSet points, double[] centres, int k, int[] labels, double[] squaredDistances, double[] sums, int[] counts,
        Bounds bounds, ParallelOptions options)
    {
        int n = points.Count, dim = points.Dimension;
        var cols = ColumnMajor.Of(points);
        var broadcast = Broadcast(centres, k * dim);
        var half = new double[k];
        Array.Fill(half, double.PositiveInfinity);
        for (var a = 0; a < k; a++)
        {
            for (var b = a + 1; b < k; b++)
            {
                var gap = 0.5 * PointSet.EuclideanDistance(centres.AsSpan(a * dim, dim), centres.AsSpan(b * dim, dim));
                half[a] = Math.Min(half[a], gap);
                half[b] = Math.Min(half[b], gap);
            }
        }
        var fresh = bounds.Fresh;
        var tasks = (n + PointsPerTask - 1) / PointsPerTask;
        var partialSums = new double[tasks * k * dim];
        var partialCounts = new int[tasks * k];
        Parallelism.For(0, tasks, options, t =>
        {
            var s = t * PointsPerTask;
            var e = Math.Min(n, s + PointsPerTask);
            AssignBounded(cols, n, dim, broadcast, k, s, e, labels, squaredDistances, bounds.Upper, bounds.Lower, fresh ? null : half);
            var sum = partialSums.AsSpan(t * k * dim, k * dim);
            var count = partialCounts.AsSpan(t * k, k);
            for (var j = s; j < e; j++)
            {
                var c = labels[j];
                count[c]++;
                for (var d = 0; d < dim; d++) sum[c * dim + d] += cols[d * n + j];
            }
        });
        bounds.MarkValid();
        Array.Clear(sums);
        Array.Clear(counts);
        for (var t = 0; t < tasks; t++)
        {
            var sum = partialSums.AsSpan(t * k * dim, k * dim);
            for (var i = 0; i < sum.Length; i++) sums[i] += sum[i];
            for (var c = 0; c < k; c++) counts[c] += partialCounts[t * k + c];
        }
    }

    private static void AssignBounded(double[] cols, int n, int dim, Vector<double>[] broadcast, int k, int s, int e, int[] labels, double[] best,
        double[] upper, double[] lower, double[]? half)
    {
        var vc = Vector<double>.Count;
        ref var c0 = ref MemoryMarshal.GetArrayDataReference(cols);
        ref var b0 = ref MemoryMarshal.GetArrayDataReference(broadcast);
        ref var u0 = ref MemoryMarshal.GetArrayDataReference(upper);
        ref var l0 = ref MemoryMarshal.GetArrayDataReference(lower);
        Span<Vector<double>> x = stackalloc Vector<double>[dim];
        ref var x0 = ref MemoryMarshal.GetReference(x);
        Span<double> gathered = stackalloc double[vc];
        Span<double> bestLane = stackalloc double[vc];
        Span<double> secondLane = stackalloc double[vc];
        Span<long> labelLane = stackalloc long[vc];
        var margin = new Vector<double>(1 + 1e-10);
        var j = s;
        for (; j <= e - vc; j += vc)
        {
            if (half is not null)
            {
                for (var l = 0; l < vc; l++) gathered[l] = half[labels[j + l]];
                var bound = Vector.Max(Vector.LoadUnsafe(ref l0, (nuint)j), new Vector<double>(gathered));
                if (Vector.LessThanAll(Vector.LoadUnsafe(ref u0, (nuint)j) * margin, bound)) continue;
            }
            for (var d = 0; d < dim; d++) Unsafe.Add(ref x0, d) = Vector.LoadUnsafe(ref c0, (nuint)(d * n + j));
            var bestD = new Vector<double>(double.PositiveInfinity);
            var secondD = bestD;
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
                secondD = Vector.ConditionalSelect(better, bestD, Vector.Min(secondD, acc));
                bestD = Vector.ConditionalSelect(better, acc, bestD);
                bestL = Vector.ConditionalSelect(better, new Vector<long>(c), bestL);
                centre = ref Unsafe.Add(ref centre, dim);
            }
            Vector.SquareRoot(bestD).StoreUnsafe(ref u0, (nuint)j);
            Vector.SquareRoot(secondD).StoreUnsafe(ref l0, (nuint)j);
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
            if (half is not null && upper[j] * (1 + 1e-10) < Math.Max(lower[j], half[labels[j]])) continue;
            double bd = double.PositiveInfinity, sd = double.PositiveInfinity;
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
                    sd = bd;
                    bd = acc;
                    bl = c;
                }
                else
                {
                    sd = Math.Min(sd, acc);
                }
            }
            best[j] = bd;
            labels[j] = bl;
            upper[j] = Math.Sqrt(bd);
            lower[j] = Math.Sqrt(sd);
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
