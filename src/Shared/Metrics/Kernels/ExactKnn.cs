using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;

namespace HardSamples.Shared.Metrics.Kernels;

/// <summary>
/// Exact kNN by pruned brute force.
/// <list type="number">
/// <item>Organisation: a quick k-means (√N/4-ish cells of ~1,000 points, a few Lloyd rounds) sorts the points by
/// (cell, distance ρ to the cell centre). Queries run in that order, each group of four visits cells nearest first,
/// and within a cell only the ρ-interval [‖q−c‖ − R, ‖q−c‖ + R] can hold a neighbour (triangle inequality), where R
/// bounds the current k-th distance. Cells are only an accelerator: results do not depend on them.</item>
/// <item>Screening in float32 with ‖q−x‖² = ‖q‖² + ‖x‖² − 2q·x on mean-centred data (fused multiply-add, 4 queries ×
/// 16 candidates per step). Its absolute error is bounded by δ_q = 4(D+12)·2⁻²⁴·(‖q‖² + max‖x‖²); every candidate
/// within 2δ_q of the running k-th smallest screened value is kept, which provably contains the true k nearest.</item>
/// <item>Refinement in float64: exact Σ(q−x)² summed in coordinate order (as scikit-learn's trees do) for the kept
/// candidates, sorted by distance then index. A query whose band overflows (masses of near-ties) falls back to an
/// exact float64 scan.</item>
/// </list>
/// Result: self excluded, distances ascending, ties by lower index; independent of thread count.
/// </summary>
internal static class ExactKnn
{
    private const int Group = 4;
    private const int QueriesPerTask = 128;
    private const int Spare = 48;
    private const int PointsPerCell = 1000;

    public static NeighborGraph Search(PointSet points, int k, ParallelOptions options)
    {
        int n = points.Count, dim = points.Dimension;
        if (k < 1 || k > n - 1)
            throw new ArgumentException($"k = {k} nearest neighbours need k ≥ 1 and at least k + 1 points; there are {n} points.", nameof(k));
        var index = Index.Build(points, options);
        var dist = new double[n * k];
        var neighbors = new int[n * k];
        var tasks = (n + QueriesPerTask - 1) / QueriesPerTask;
        Parallelism.For(0, tasks, options,
            () => new Scratch(k, dim, index.Cells),
            (t, scratch) =>
            {
                var q0 = t * QueriesPerTask;
                SearchRange(points, index, q0, Math.Min(n, q0 + QueriesPerTask), k, scratch, dist, neighbors);
                return scratch;
            });
        return new NeighborGraph(dist, neighbors, n, k);
    }

    /// <summary>The points sorted by (cell, ρ): float32 centred coordinates <c>[D, N+pad]</c>, norms, cells and their ρ.</summary>
    private sealed class Index
    {
        public required int Count { get; init; }
        public required int Stride { get; init; }
        public required float[] Cols { get; init; }
        public required float[] Norms { get; init; }
        public required double[] NormsExact { get; init; }
        public required double MaxNorm { get; init; }
        public required double ErrorScale { get; init; }
        /// <summary>Original index of each sorted position.</summary>
        public required int[] Original { get; init; }
        public required int Cells { get; init; }
        public required int[] CellStart { get; init; }
        public required double[] CellCentres { get; init; }
        /// <summary>Distance of each sorted point to its cell centre (ascending within a cell).</summary>
        public required double[] Rho { get; init; }

        public static Index Build(PointSet points, ParallelOptions options)
        {
            int n = points.Count, dim = points.Dimension;
            var (cells, centres, cellOf, rho) = Partition(points, options);
            var order = Enumerable.Range(0, n).ToArray();
            Array.Sort(order, (a, b) =>
            {
                var c = cellOf[a].CompareTo(cellOf[b]);
                if (c != 0) return c;
                c = rho[a].CompareTo(rho[b]);
                return c != 0 ? c : a.CompareTo(b);
            });
            var cellStart = new int[cells + 1];
            foreach (var i in order) cellStart[cellOf[i] + 1]++;
            for (var c = 0; c < cells; c++) cellStart[c + 1] += cellStart[c];

            var mean = new double[dim];
            for (var j = 0; j < n; j++)
            {
                var row = points.Row(j);
                for (var d = 0; d < dim; d++) mean[d] += row[d];
            }
            for (var d = 0; d < dim; d++) mean[d] /= n;
            var stride = n + 2 * Vector<float>.Count;
            var cols = new float[dim * stride];
            var norms = new float[stride];
            var exact = new double[n];
            var sortedRho = new double[n];
            var max = 0.0;
            for (var p = 0; p < n; p++)
            {
                var row = points.Row(order[p]);
                var s = 0.0;
                for (var d = 0; d < dim; d++)
                {
                    var c = row[d] - mean[d];
                    cols[d * stride + p] = (float)c;
                    s += c * c;
                }
                norms[p] = (float)s;
                exact[p] = s;
                sortedRho[p] = rho[order[p]];
                max = Math.Max(max, s);
            }
            for (var p = n; p < stride; p++) norms[p] = float.PositiveInfinity;
            return new Index
            {
                Count = n, Stride = stride, Cols = cols, Norms = norms, NormsExact = exact, MaxNorm = max,
                ErrorScale = 4.0 * (dim + 12) * Math.ScaleB(1.0, -24),
                Original = order, Cells = cells, CellStart = cellStart, CellCentres = centres, Rho = sortedRho,
            };
        }

        /// <summary>A few Lloyd rounds from evenly spaced seeds; empty cells are dropped. Returns cells, centres, cell of each point, ρ.</summary>
        private static (int Cells, double[] Centres, int[] CellOf, double[] Rho) Partition(PointSet points, ParallelOptions options)
        {
            int n = points.Count, dim = points.Dimension;
            var want = Math.Clamp(n / PointsPerCell, 1, 256);
            var centres = new double[want * dim];
            for (var c = 0; c < want; c++) points.Row((int)((long)c * n / want)).CopyTo(centres.AsSpan(c * dim, dim));
            var labels = new int[n];
            var d2 = new double[n];
            for (var round = 0; round < 4; round++)
            {
                NearestCentre.Assign(points, new PointSet(centres, want, dim), labels, d2, options);
                if (round == 3) break;
                var sums = new double[want * dim];
                var counts = new int[want];
                for (var i = 0; i < n; i++)
                {
                    counts[labels[i]]++;
                    var row = points.Row(i);
                    for (var d = 0; d < dim; d++) sums[labels[i] * dim + d] += row[d];
                }
                for (var c = 0; c < want; c++)
                {
                    if (counts[c] == 0) continue;
                    for (var d = 0; d < dim; d++) centres[c * dim + d] = sums[c * dim + d] / counts[c];
                }
            }
            var used = new int[want];
            Array.Fill(used, -1);
            var cells = 0;
            foreach (var l in labels)
            {
                if (used[l] < 0) used[l] = 0;
            }
            for (var c = 0; c < want; c++)
            {
                if (used[c] == 0) used[c] = cells++;
            }
            var kept = new double[cells * dim];
            for (var c = 0; c < want; c++)
            {
                if (used[c] >= 0) centres.AsSpan(c * dim, dim).CopyTo(kept.AsSpan(used[c] * dim, dim));
            }
            var cellOf = new int[n];
            var rho = new double[n];
            for (var i = 0; i < n; i++)
            {
                cellOf[i] = used[labels[i]];
                rho[i] = Math.Sqrt(d2[i]);
            }
            return (cells, kept, cellOf, rho);
        }
    }

    private sealed class Scratch(int k, int dim, int cells)
    {
        /// <summary>Per slot: a max-heap of the k best screened values (root = k-th best).</summary>
        public readonly double[] Heap = new double[(QueriesPerTask + Group) * k];
        public readonly int[] HeapIndex = new int[(QueriesPerTask + Group) * k];
        public readonly int[] HeapCount = new int[QueriesPerTask + Group];
        /// <summary>Per slot: candidates beyond the k-th best but within the admission band.</summary>
        public readonly double[] Extra = new double[(QueriesPerTask + Group) * Spare];
        public readonly int[] ExtraIndex = new int[(QueriesPerTask + Group) * Spare];
        public readonly int[] ExtraCount = new int[QueriesPerTask + Group];
        public readonly double[] Admit = new double[QueriesPerTask + Group];
        public readonly double[] Delta = new double[QueriesPerTask + Group];
        public readonly bool[] Overflow = new bool[QueriesPerTask + Group];
        /// <summary>Per group of four queries (index g·4 + r): query position and state slot; broadcasts <c>[g][dim][4]</c>.</summary>
        public readonly Vector<float>[] QueryBroadcast = new Vector<float>[QueriesPerTask * dim];
        public readonly int[] Queries = new int[QueriesPerTask];
        public readonly int[] Slots = new int[QueriesPerTask];
        public int Base;
        public readonly double[] CellDistance = new double[QueriesPerTask * cells];
        public readonly int[] CellOrder = new int[cells];
        public readonly double[] CellKey = new double[cells];
        public readonly double[] Exact = new double[k + Spare];
        public readonly int[] ExactIndex = new int[k + Spare];
    }

    private static void SearchRange(PointSet points, Index index, int qStart, int qEnd, int k, Scratch s, double[] dist, int[] neighbors)
    {
        int dim = points.Dimension, count = qEnd - qStart, cells = index.Cells;
        Array.Clear(s.HeapCount);
        Array.Clear(s.ExtraCount);
        Array.Clear(s.Overflow);
        Array.Fill(s.Admit, double.PositiveInfinity);
        for (var local = 0; local < count; local++)
            s.Delta[local] = index.ErrorScale * (index.NormsExact[qStart + local] + index.MaxNorm);
        for (var r = 0; r < Group; r++) s.Delta[QueriesPerTask + r] = 0;
        // Every group of four queries gets its state; then cells are visited nearest-first for the task as a whole
        // and each cell is scanned for every group while its coordinates are hot in cache.
        var groups = (count + Group - 1) / Group;
        for (var g = 0; g < groups; g++)
        {
            for (var r = 0; r < Group; r++)
            {
                var local = g * Group + r;
                var real = local < count;
                var q = qStart + (real ? local : count - 1);
                s.Queries[local] = q;
                s.Slots[local] = real ? local : QueriesPerTask + r;
                for (var d = 0; d < dim; d++) s.QueryBroadcast[(g * dim + d) * Group + r] = new Vector<float>(index.Cols[d * index.Stride + q]);
                var row = points.Row(index.Original[q]);
                for (var c = 0; c < cells; c++)
                    s.CellDistance[local * cells + c] = PointSet.EuclideanDistance(row, index.CellCentres.AsSpan(c * dim, dim));
            }
        }
        for (var c = 0; c < cells; c++)
        {
            var key = double.PositiveInfinity;
            for (var local = 0; local < groups * Group; local++) key = Math.Min(key, s.CellDistance[local * cells + c]);
            s.CellOrder[c] = c;
            s.CellKey[c] = key;
        }
        Array.Sort(s.CellKey, s.CellOrder);
        foreach (var cell in s.CellOrder)
        {
            int cellStart = index.CellStart[cell], cellEnd = index.CellStart[cell + 1];
            for (var g = 0; g < groups; g++)
            {
                s.Base = g * Group;
                double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
                for (var r = 0; r < Group; r++)
                {
                    var slot = s.Slots[s.Base + r];
                    var reach = double.IsPositiveInfinity(s.Admit[slot])
                        ? double.PositiveInfinity
                        : Math.Sqrt(Math.Max(0, s.Admit[slot] + s.Delta[slot])) * (1 + 1e-9) + 1e-12;
                    var dq = s.CellDistance[(s.Base + r) * cells + cell];
                    lo = Math.Min(lo, dq - reach);
                    hi = Math.Max(hi, dq + reach);
                }
                int start = cellStart, end = cellEnd;
                if (!double.IsNegativeInfinity(lo)) start = LowerBound(index.Rho, start, end, lo);
                if (!double.IsPositiveInfinity(hi)) end = UpperBound(index.Rho, start, end, hi);
                if (start < end) Scan(index, dim, k, start, end, s);
            }
        }
        for (var local = 0; local < count; local++)
        {
            var q = qStart + local;
            var original = index.Original[q];
            var outD = dist.AsSpan(original * k, k);
            var outI = neighbors.AsSpan(original * k, k);
            if (s.Overflow[local]) ExactScan(points, original, k, outD, outI);
            else Refine(points, index, original, k, s, local, outD, outI);
        }
    }

    private static int LowerBound(double[] values, int start, int end, double key)
    {
        while (start < end)
        {
            var mid = (start + end) >>> 1;
            if (values[mid] < key) start = mid + 1;
            else end = mid;
        }
        return start;
    }

    private static int UpperBound(double[] values, int start, int end, double key)
    {
        while (start < end)
        {
            var mid = (start + end) >>> 1;
            if (values[mid] <= key) start = mid + 1;
            else end = mid;
        }
        return start;
    }

    private static void Scan(Index index, int dim, int k, int jStart, int jEnd, Scratch s)
    {
        var vc = Vector<float>.Count;
        var step = 2 * vc;
        var stride = index.Stride;
        ref var c0 = ref MemoryMarshal.GetArrayDataReference(index.Cols);
        ref var n0 = ref MemoryMarshal.GetArrayDataReference(index.Norms);
        ref var qb0 = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(s.QueryBroadcast), s.Base * dim);
        Span<float> limit = stackalloc float[Group];
        Span<double> qNorm = stackalloc double[Group];
        for (var r = 0; r < Group; r++)
        {
            qNorm[r] = index.NormsExact[s.Queries[s.Base + r]];
            limit[r] = Limit(s, r, qNorm[r]);
        }
        var l0 = new Vector<float>(limit[0]);
        var l1 = new Vector<float>(limit[1]);
        var l2 = new Vector<float>(limit[2]);
        var l3 = new Vector<float>(limit[3]);
        var minus2 = new Vector<float>(-2f);
        Span<int> iotaBuffer = stackalloc int[vc];
        for (var l = 0; l < vc; l++) iotaBuffer[l] = l;
        var iota = new Vector<int>(iotaBuffer);
        var end = new Vector<int>(jEnd);
        var infinity = new Vector<float>(float.PositiveInfinity);
        for (var j = jStart; j < jEnd; j += step)
        {
            var a0 = Vector<float>.Zero;
            var a1 = Vector<float>.Zero;
            var a2 = Vector<float>.Zero;
            var a3 = Vector<float>.Zero;
            var b0 = Vector<float>.Zero;
            var b1 = Vector<float>.Zero;
            var b2 = Vector<float>.Zero;
            var b3 = Vector<float>.Zero;
            ref var col = ref Unsafe.Add(ref c0, j);
            ref var qd = ref qb0;
            for (var d = 0; d < dim; d++)
            {
                var x = Vector.LoadUnsafe(ref col);
                var y = Vector.LoadUnsafe(ref col, (nuint)vc);
                a0 = Vector.FusedMultiplyAdd(x, qd, a0);
                a1 = Vector.FusedMultiplyAdd(x, Unsafe.Add(ref qd, 1), a1);
                a2 = Vector.FusedMultiplyAdd(x, Unsafe.Add(ref qd, 2), a2);
                a3 = Vector.FusedMultiplyAdd(x, Unsafe.Add(ref qd, 3), a3);
                b0 = Vector.FusedMultiplyAdd(y, qd, b0);
                b1 = Vector.FusedMultiplyAdd(y, Unsafe.Add(ref qd, 1), b1);
                b2 = Vector.FusedMultiplyAdd(y, Unsafe.Add(ref qd, 2), b2);
                b3 = Vector.FusedMultiplyAdd(y, Unsafe.Add(ref qd, 3), b3);
                col = ref Unsafe.Add(ref col, stride);
                qd = ref Unsafe.Add(ref qd, Group);
            }
            var nx = Vector.LoadUnsafe(ref n0, (nuint)j);
            var ny = Vector.LoadUnsafe(ref n0, (nuint)(j + vc));
            if (j + step > jEnd)
            {
                // Lanes past the range belong to other cells (or padding): never admit them here.
                nx = Vector.ConditionalSelect(Vector.LessThan(iota + new Vector<int>(j), end).As<int, float>(), nx, infinity);
                ny = Vector.ConditionalSelect(Vector.LessThan(iota + new Vector<int>(j + vc), end).As<int, float>(), ny, infinity);
            }
            // g = ‖x‖² − 2q·x; the screened squared distance is g + ‖q‖².
            a0 = Vector.FusedMultiplyAdd(a0, minus2, nx);
            a1 = Vector.FusedMultiplyAdd(a1, minus2, nx);
            a2 = Vector.FusedMultiplyAdd(a2, minus2, nx);
            a3 = Vector.FusedMultiplyAdd(a3, minus2, nx);
            b0 = Vector.FusedMultiplyAdd(b0, minus2, ny);
            b1 = Vector.FusedMultiplyAdd(b1, minus2, ny);
            b2 = Vector.FusedMultiplyAdd(b2, minus2, ny);
            b3 = Vector.FusedMultiplyAdd(b3, minus2, ny);
            var m0 = Vector.LessThanOrEqual(a0, l0);
            var m1 = Vector.LessThanOrEqual(a1, l1);
            var m2 = Vector.LessThanOrEqual(a2, l2);
            var m3 = Vector.LessThanOrEqual(a3, l3);
            var n0m = Vector.LessThanOrEqual(b0, l0);
            var n1m = Vector.LessThanOrEqual(b1, l1);
            var n2m = Vector.LessThanOrEqual(b2, l2);
            var n3m = Vector.LessThanOrEqual(b3, l3);
            if (((m0 | m1) | (m2 | m3) | (n0m | n1m) | (n2m | n3m)) == Vector<int>.Zero) continue;
            OfferLanes(s, k, 0, j, a0, m0, qNorm[0]);
            OfferLanes(s, k, 0, j + vc, b0, n0m, qNorm[0]);
            OfferLanes(s, k, 1, j, a1, m1, qNorm[1]);
            OfferLanes(s, k, 1, j + vc, b1, n1m, qNorm[1]);
            OfferLanes(s, k, 2, j, a2, m2, qNorm[2]);
            OfferLanes(s, k, 2, j + vc, b2, n2m, qNorm[2]);
            OfferLanes(s, k, 3, j, a3, m3, qNorm[3]);
            OfferLanes(s, k, 3, j + vc, b3, n3m, qNorm[3]);
            for (var r = 0; r < Group; r++) limit[r] = Limit(s, r, qNorm[r]);
            l0 = new Vector<float>(limit[0]);
            l1 = new Vector<float>(limit[1]);
            l2 = new Vector<float>(limit[2]);
            l3 = new Vector<float>(limit[3]);
        }
    }

    /// <summary>Offers the lanes selected by <paramref name="mask"/> (those below the limit at the start of the step).</summary>
    private static void OfferLanes(Scratch s, int k, int r, int j, Vector<float> g, Vector<int> mask, double qNorm)
    {
        var bits = LaneMask(mask);
        while (bits != 0)
        {
            var l = BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
            Offer(s, k, r, j + l, g[l] + qNorm);
        }
    }

    /// <summary>One bit per lane whose mask is set.</summary>
    private static uint LaneMask(Vector<int> mask)
    {
        if (Vector<int>.Count == 8) return Vector256.ExtractMostSignificantBits(mask.AsVector256());
        if (Vector<int>.Count == 16) return Vector512.ExtractMostSignificantBits(mask.AsVector512()) is var m ? (uint)m : 0;
        if (Vector<int>.Count == 4) return Vector128.ExtractMostSignificantBits(mask.AsVector128());
        uint bits = 0;
        for (var l = 0; l < Vector<int>.Count; l++)
        {
            if (mask[l] != 0) bits |= 1u << l;
        }
        return bits;
    }

    /// <summary>The float32 bound on g = ‖x‖² − 2q·x that admits a candidate (infinite while fewer than k are held).</summary>
    private static float Limit(Scratch s, int r, double qNorm)
    {
        var admit = s.Admit[s.Slots[s.Base + r]];
        if (double.IsPositiveInfinity(admit)) return float.PositiveInfinity;
        var g = admit - qNorm;
        return (float)(g + Math.Abs(g) * 1e-6 + 1e-30);
    }

    /// <summary>
    /// Adds a screened candidate: the k best are kept in a max-heap; a candidate evicted from it, or arriving above
    /// the k-th best but within the admission band (k-th best + 2δ), goes to the extras. Extras above the current
    /// band are compacted away when space runs out; if the band still overflows the query falls back to an exact scan.
    /// </summary>
    private static void Offer(Scratch s, int k, int r, int candidate, double screened)
    {
        var slot = s.Slots[s.Base + r];
        if (candidate == s.Queries[s.Base + r] || s.Overflow[slot] || screened > s.Admit[slot]) return;
        var heap = s.Heap.AsSpan(slot * k, k);
        var ids = s.HeapIndex.AsSpan(slot * k, k);
        var count = s.HeapCount[slot];
        if (count < k)
        {
            var p = count;
            while (p > 0)
            {
                var parent = (p - 1) >> 1;
                if (heap[parent] >= screened) break;
                heap[p] = heap[parent];
                ids[p] = ids[parent];
                p = parent;
            }
            heap[p] = screened;
            ids[p] = candidate;
            s.HeapCount[slot] = ++count;
            if (count == k) s.Admit[slot] = heap[0] + 2 * s.Delta[slot];
            return;
        }
        if (screened < heap[0])
        {
            var evicted = heap[0];
            var evictedId = ids[0];
            SiftDown(heap, ids, screened, candidate);
            s.Admit[slot] = heap[0] + 2 * s.Delta[slot];
            if (evicted <= s.Admit[slot]) AddExtra(s, slot, evicted, evictedId);
        }
        else
        {
            AddExtra(s, slot, screened, candidate);
        }
    }

    private static void SiftDown(Span<double> heap, Span<int> ids, double value, int id)
    {
        var k = heap.Length;
        var p = 0;
        while (true)
        {
            var child = 2 * p + 1;
            if (child >= k) break;
            if (child + 1 < k && heap[child + 1] > heap[child]) child++;
            if (heap[child] <= value) break;
            heap[p] = heap[child];
            ids[p] = ids[child];
            p = child;
        }
        heap[p] = value;
        ids[p] = id;
    }

    private static void AddExtra(Scratch s, int slot, double value, int id)
    {
        var extra = s.Extra.AsSpan(slot * Spare, Spare);
        var ids = s.ExtraIndex.AsSpan(slot * Spare, Spare);
        var count = s.ExtraCount[slot];
        if (count == Spare)
        {
            var admit = s.Admit[slot];
            var kept = 0;
            for (var t = 0; t < count; t++)
            {
                if (extra[t] > admit) continue;
                extra[kept] = extra[t];
                ids[kept] = ids[t];
                kept++;
            }
            count = kept;
            if (count == Spare)
            {
                s.Overflow[slot] = true;
                return;
            }
        }
        extra[count] = value;
        ids[count] = id;
        s.ExtraCount[slot] = count + 1;
    }

    private static void Refine(PointSet points, Index index, int query, int k, Scratch s, int slot, Span<double> outD, Span<int> outI)
    {
        var admit = s.Admit[slot];
        var count = 0;
        var row = points.Row(query);
        var heapCount = s.HeapCount[slot];
        var extras = s.ExtraCount[slot];
        for (var t = 0; t < heapCount + extras; t++)
        {
            int sorted;
            if (t < heapCount)
            {
                sorted = s.HeapIndex[slot * k + t];
            }
            else
            {
                if (s.Extra[slot * Spare + t - heapCount] > admit) continue;
                sorted = s.ExtraIndex[slot * Spare + t - heapCount];
            }
            var original = index.Original[sorted];
            s.ExactIndex[count] = original;
            s.Exact[count] = PointSet.SquaredDistance(row, points.Row(original));
            count++;
        }
        var exact = s.Exact.AsSpan(0, count);
        var exactIds = s.ExactIndex.AsSpan(0, count);
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
