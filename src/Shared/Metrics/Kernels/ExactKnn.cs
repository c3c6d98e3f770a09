using System.Numerics;
using System.Runtime.InteropServices;

namespace HardSamples.Shared.Metrics.Kernels;

/// <summary>
/// Exact kNN by brute force in two stages.
/// <list type="number">
/// <item>Screening in float32 with the identity ‖q−x‖² = ‖q‖² + ‖x‖² − 2q·x on mean-centred data (fused
/// multiply-add, 8 lanes, 4 queries × 16 candidates per step, cache-sized candidate blocks). Its absolute error is
/// bounded by δ_q = 4(D+12)·2⁻²⁴·(‖q‖² + max‖x‖²); every candidate whose screened value is within 2δ_q of the running
/// k-th smallest is kept, which provably contains the true k nearest.</item>
/// <item>Refinement in float64: exact Σ(q−x)² summed in coordinate order (as scikit-learn's trees do) for the kept
/// candidates, sorted by distance then index. Queries whose band overflows (masses of near-ties) fall back to an exact
/// float64 scan.</item>
/// </list>
/// Result: self excluded, distances ascending, ties by lower index; independent of thread count.
/// </summary>
internal static class ExactKnn
{
    private const int Group = 4;
    private const int QueriesPerTask = 128;
    private const int CandidateBlock = 4096;
    private const int Spare = 48;

    public static NeighborGraph Search(PointSet points, int k, ParallelOptions options)
    {
        int n = points.Count, dim = points.Dimension;
        if (k < 1 || k > n - 1)
            throw new ArgumentException($"k = {k} nearest neighbours need k ≥ 1 and at least k + 1 points; there are {n} points.", nameof(k));
        var screen = ScreeningData.Create(points);
        var dist = new double[n * k];
        var index = new int[n * k];
        var tasks = (n + QueriesPerTask - 1) / QueriesPerTask;
        Parallelism.For(0, tasks, options,
            () => new Scratch(k, dim),
            (t, scratch) =>
            {
                var q0 = t * QueriesPerTask;
                SearchRange(points, screen, q0, Math.Min(n, q0 + QueriesPerTask), k, scratch, dist, index);
                return scratch;
            });
        return new NeighborGraph(dist, index, n, k);
    }

    /// <summary>Mean-centred float32 coordinates <c>[D, N]</c>, their squared norms and the screening error scale.</summary>
    private sealed class ScreeningData
    {
        public required float[] Cols { get; init; }
        public required float[] Norms { get; init; }
        public required double[] NormsExact { get; init; }
        public required double MaxNorm { get; init; }
        public required double ErrorScale { get; init; }

        public static ScreeningData Create(PointSet points)
        {
            int n = points.Count, dim = points.Dimension;
            var mean = new double[dim];
            for (var j = 0; j < n; j++)
            {
                var row = points.Row(j);
                for (var d = 0; d < dim; d++) mean[d] += row[d];
            }
            for (var d = 0; d < dim; d++) mean[d] /= n;
            var cols = new float[dim * n];
            var norms = new float[n];
            var exact = new double[n];
            var max = 0.0;
            for (var j = 0; j < n; j++)
            {
                var row = points.Row(j);
                var s = 0.0;
                for (var d = 0; d < dim; d++)
                {
                    var c = row[d] - mean[d];
                    cols[d * n + j] = (float)c;
                    s += c * c;
                }
                norms[j] = (float)s;
                exact[j] = s;
                max = Math.Max(max, s);
            }
            return new ScreeningData
            {
                Cols = cols, Norms = norms, NormsExact = exact, MaxNorm = max,
                ErrorScale = 4.0 * (dim + 12) * Math.ScaleB(1.0, -24),
            };
        }
    }

    private sealed class Scratch(int k, int dim)
    {
        public readonly int Capacity = k + Spare;
        public readonly double[] Band = new double[(QueriesPerTask + Group) * (k + Spare)];
        public readonly int[] BandIndex = new int[(QueriesPerTask + Group) * (k + Spare)];
        public readonly int[] BandCount = new int[QueriesPerTask + Group];
        public readonly double[] Admit = new double[QueriesPerTask + Group];
        public readonly double[] Delta = new double[QueriesPerTask + Group];
        public readonly bool[] Overflow = new bool[QueriesPerTask + Group];
        public readonly float[] QueryCoords = new float[Group * dim];
        public readonly int[] Queries = new int[Group];
        public readonly int[] Slots = new int[Group];
        public readonly float[] Lanes = new float[Group * 2 * Vector<float>.Count];
        public readonly double[] Exact = new double[k + Spare];
        public readonly int[] ExactIndex = new int[k + Spare];
    }

    private static void SearchRange(PointSet points, ScreeningData screen, int qStart, int qEnd, int k, Scratch s, double[] dist, int[] index)
    {
        int n = points.Count, dim = points.Dimension, count = qEnd - qStart;
        Array.Clear(s.BandCount);
        Array.Clear(s.Overflow);
        Array.Fill(s.Admit, double.PositiveInfinity);
        for (var local = 0; local < count; local++)
            s.Delta[local] = screen.ErrorScale * (screen.NormsExact[qStart + local] + screen.MaxNorm);
        for (var r = 0; r < Group; r++) s.Delta[QueriesPerTask + r] = 0;
        for (var cb = 0; cb < n; cb += CandidateBlock)
        {
            var cEnd = Math.Min(n, cb + CandidateBlock);
            for (var g = 0; g < count; g += Group)
            {
                for (var r = 0; r < Group; r++)
                {
                    var local = g + r;
                    var real = local < count;
                    var q = qStart + (real ? local : count - 1);
                    s.Queries[r] = q;
                    s.Slots[r] = real ? local : QueriesPerTask + r;
                    for (var d = 0; d < dim; d++) s.QueryCoords[r * dim + d] = screen.Cols[d * n + q];
                }
                Scan(screen, n, dim, k, cb, cEnd, s);
            }
        }
        for (var local = 0; local < count; local++)
        {
            var q = qStart + local;
            var outD = dist.AsSpan(q * k, k);
            var outI = index.AsSpan(q * k, k);
            if (s.Overflow[local]) ExactScan(points, q, k, outD, outI);
            else Refine(points, q, k, s, local, outD, outI);
        }
    }

    private static void Scan(ScreeningData screen, int n, int dim, int k, int jStart, int jEnd, Scratch s)
    {
        var vc = Vector<float>.Count;
        var step = 2 * vc;
        ref var c0 = ref MemoryMarshal.GetArrayDataReference(screen.Cols);
        ref var n0 = ref MemoryMarshal.GetArrayDataReference(screen.Norms);
        var qc = s.QueryCoords;
        Span<float> limit = stackalloc float[Group];
        Span<double> qNorm = stackalloc double[Group];
        for (var r = 0; r < Group; r++)
        {
            qNorm[r] = screen.NormsExact[s.Queries[r]];
            limit[r] = Limit(s, r, qNorm[r]);
        }
        var l0 = new Vector<float>(limit[0]);
        var l1 = new Vector<float>(limit[1]);
        var l2 = new Vector<float>(limit[2]);
        var l3 = new Vector<float>(limit[3]);
        var minus2 = new Vector<float>(-2f);
        var j = jStart;
        for (; j <= jEnd - step; j += step)
        {
            var a0 = Vector<float>.Zero;
            var a1 = Vector<float>.Zero;
            var a2 = Vector<float>.Zero;
            var a3 = Vector<float>.Zero;
            var b0 = Vector<float>.Zero;
            var b1 = Vector<float>.Zero;
            var b2 = Vector<float>.Zero;
            var b3 = Vector<float>.Zero;
            for (var d = 0; d < dim; d++)
            {
                var off = (nuint)(d * n + j);
                var x = Vector.LoadUnsafe(ref c0, off);
                var y = Vector.LoadUnsafe(ref c0, off + (nuint)vc);
                var q0 = new Vector<float>(qc[d]);
                var q1 = new Vector<float>(qc[dim + d]);
                var q2 = new Vector<float>(qc[2 * dim + d]);
                var q3 = new Vector<float>(qc[3 * dim + d]);
                a0 = Vector.FusedMultiplyAdd(x, q0, a0);
                a1 = Vector.FusedMultiplyAdd(x, q1, a1);
                a2 = Vector.FusedMultiplyAdd(x, q2, a2);
                a3 = Vector.FusedMultiplyAdd(x, q3, a3);
                b0 = Vector.FusedMultiplyAdd(y, q0, b0);
                b1 = Vector.FusedMultiplyAdd(y, q1, b1);
                b2 = Vector.FusedMultiplyAdd(y, q2, b2);
                b3 = Vector.FusedMultiplyAdd(y, q3, b3);
            }
            var nx = Vector.LoadUnsafe(ref n0, (nuint)j);
            var ny = Vector.LoadUnsafe(ref n0, (nuint)(j + vc));
            // g = ‖x‖² − 2q·x; the screened squared distance is g + ‖q‖².
            a0 = Vector.FusedMultiplyAdd(a0, minus2, nx);
            a1 = Vector.FusedMultiplyAdd(a1, minus2, nx);
            a2 = Vector.FusedMultiplyAdd(a2, minus2, nx);
            a3 = Vector.FusedMultiplyAdd(a3, minus2, nx);
            b0 = Vector.FusedMultiplyAdd(b0, minus2, ny);
            b1 = Vector.FusedMultiplyAdd(b1, minus2, ny);
            b2 = Vector.FusedMultiplyAdd(b2, minus2, ny);
            b3 = Vector.FusedMultiplyAdd(b3, minus2, ny);
            var hit = Vector.LessThanOrEqual(a0, l0) | Vector.LessThanOrEqual(a1, l1) | Vector.LessThanOrEqual(a2, l2) | Vector.LessThanOrEqual(a3, l3)
                | Vector.LessThanOrEqual(b0, l0) | Vector.LessThanOrEqual(b1, l1) | Vector.LessThanOrEqual(b2, l2) | Vector.LessThanOrEqual(b3, l3);
            if (hit == Vector<int>.Zero) continue;
            var lanes = s.Lanes.AsSpan();
            a0.CopyTo(lanes);
            b0.CopyTo(lanes[vc..]);
            a1.CopyTo(lanes[(2 * vc)..]);
            b1.CopyTo(lanes[(3 * vc)..]);
            a2.CopyTo(lanes[(4 * vc)..]);
            b2.CopyTo(lanes[(5 * vc)..]);
            a3.CopyTo(lanes[(6 * vc)..]);
            b3.CopyTo(lanes[(7 * vc)..]);
            for (var r = 0; r < Group; r++)
            {
                for (var l = 0; l < step; l++)
                {
                    var g = lanes[r * step + l];
                    if (g <= limit[r]) Offer(s, k, r, j + l, g + qNorm[r]);
                }
                limit[r] = Limit(s, r, qNorm[r]);
            }
            l0 = new Vector<float>(limit[0]);
            l1 = new Vector<float>(limit[1]);
            l2 = new Vector<float>(limit[2]);
            l3 = new Vector<float>(limit[3]);
        }
        for (; j < jEnd; j++)
        {
            for (var r = 0; r < Group; r++)
            {
                var dot = 0f;
                for (var d = 0; d < dim; d++) dot = MathF.FusedMultiplyAdd(screen.Cols[d * n + j], qc[r * dim + d], dot);
                var g = MathF.FusedMultiplyAdd(dot, -2f, screen.Norms[j]);
                if (g <= limit[r]) Offer(s, k, r, j, g + qNorm[r]);
            }
        }
    }

    /// <summary>The float32 bound on g = ‖x‖² − 2q·x that admits a candidate (infinite while fewer than k are held).</summary>
    private static float Limit(Scratch s, int r, double qNorm)
    {
        var admit = s.Admit[s.Slots[r]];
        if (double.IsPositiveInfinity(admit)) return float.PositiveInfinity;
        var g = admit - qNorm;
        return (float)(g + Math.Abs(g) * 1e-6 + 1e-30);
    }

    /// <summary>Adds a screened candidate to the query's band (sorted by screened value) and tightens the band.</summary>
    private static void Offer(Scratch s, int k, int r, int candidate, double screened)
    {
        var slot = s.Slots[r];
        if (candidate == s.Queries[r] || s.Overflow[slot] || screened > s.Admit[slot]) return;
        var cap = s.Capacity;
        var band = s.Band.AsSpan(slot * cap, cap);
        var ids = s.BandIndex.AsSpan(slot * cap, cap);
        var count = s.BandCount[slot];
        if (count == cap)
        {
            s.Overflow[slot] = true;
            return;
        }
        var p = count;
        while (p > 0 && band[p - 1] > screened)
        {
            band[p] = band[p - 1];
            ids[p] = ids[p - 1];
            p--;
        }
        band[p] = screened;
        ids[p] = candidate;
        count++;
        if (count >= k)
        {
            var admit = band[k - 1] + 2 * s.Delta[slot];
            while (count > k && band[count - 1] > admit) count--;
            s.Admit[slot] = admit;
        }
        s.BandCount[slot] = count;
    }

    private static void Refine(PointSet points, int q, int k, Scratch s, int slot, Span<double> outD, Span<int> outI)
    {
        var cap = s.Capacity;
        var count = s.BandCount[slot];
        var ids = s.BandIndex.AsSpan(slot * cap, count);
        var exact = s.Exact.AsSpan(0, count);
        var exactIds = s.ExactIndex.AsSpan(0, count);
        var row = points.Row(q);
        for (var t = 0; t < count; t++)
        {
            exactIds[t] = ids[t];
            exact[t] = PointSet.SquaredDistance(row, points.Row(ids[t]));
        }
        SortByDistanceThenIndex(exact, exactIds);
        for (var t = 0; t < k; t++)
        {
            outD[t] = Math.Sqrt(exact[t]);
            outI[t] = exactIds[t];
        }
    }

    /// <summary>Exact float64 scan for one query (used when the screening band overflowed).</summary>
    private static void ExactScan(PointSet points, int q, int k, Span<double> outD, Span<int> outI)
    {
        var row = points.Row(q);
        var top = new double[k];
        var ids = new int[k];
        Array.Fill(top, double.PositiveInfinity);
        for (var j = 0; j < points.Count; j++)
        {
            if (j == q) continue;
            var d2 = PointSet.SquaredDistance(row, points.Row(j));
            if (!(d2 < top[k - 1])) continue;
            var p = k - 1;
            while (p > 0 && top[p - 1] > d2)
            {
                top[p] = top[p - 1];
                ids[p] = ids[p - 1];
                p--;
            }
            top[p] = d2;
            ids[p] = j;
        }
        for (var t = 0; t < k; t++)
        {
            outD[t] = Math.Sqrt(top[t]);
            outI[t] = ids[t];
        }
    }

    private static void SortByDistanceThenIndex(Span<double> d2, Span<int> ids)
    {
        for (var a = 1; a < d2.Length; a++)
        {
            var kd = d2[a];
            var ki = ids[a];
            var b = a - 1;
            while (b >= 0 && (d2[b] > kd || (d2[b] == kd && ids[b] > ki)))
            {
                d2[b + 1] = d2[b];
                ids[b + 1] = ids[b];
                b--;
            }
            d2[b + 1] = kd;
            ids[b + 1] = ki;
        }
    }
}
