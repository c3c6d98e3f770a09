using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HardSamples.Shared.Metrics.Kernels;

/// <summary>
/// Σ_j∈c ‖x_i − x_j‖ for every point i and cluster c in one blocked pass. Points are sorted by cluster so a column
/// block is one cluster; each unordered cluster pair (a &lt; b) is visited once and feeds both a's row sums and b's
/// column sums (half the square roots), pairs inside a cluster are summed row-wise. Distances are exact (direct
/// differences). Work items own their outputs and column partials are reduced in a fixed order, so the result does
/// not depend on the thread count or scheduling.
/// </summary>
internal static class ClusterDistanceSums
{
    private const int RowChunk = 1024;
    private const int ColumnBlock = 512;
    private const int Group = 4;

    private readonly record struct Item(int RowCluster, int ColumnCluster, int RowStart, int RowEnd, long PartialOffset);

    public static double[] Compute(PointSet points, int[] labels, int clusterCount, ParallelOptions options)
    {
        int n = points.Count, dim = points.Dimension;
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != n) throw new ArgumentException($"{labels.Length} labels for {n} points.", nameof(labels));
        if (clusterCount < 1) throw new ArgumentException($"Cluster count must be positive, got {clusterCount}.", nameof(clusterCount));
        var size = new int[clusterCount];
        for (var i = 0; i < n; i++)
        {
            var c = labels[i];
            if ((uint)c >= (uint)clusterCount)
                throw new ArgumentException($"Label {c} of point {i} is outside [0, {clusterCount}).", nameof(labels));
            size[c]++;
        }
        var start = new int[clusterCount + 1];
        for (var c = 0; c < clusterCount; c++) start[c + 1] = start[c] + size[c];
        var order = new int[n];
        var fill = (int[])start.Clone();
        for (var i = 0; i < n; i++) order[fill[labels[i]]++] = i;

        var cols = new double[dim * n];
        for (var p = 0; p < n; p++)
        {
            var row = points.Row(order[p]);
            for (var d = 0; d < dim; d++) cols[d * n + p] = row[d];
        }

        var items = new List<Item>();
        long partialLength = 0;
        for (var a = 0; a < clusterCount; a++)
        {
            if (size[a] == 0) continue;
            for (var b = a; b < clusterCount; b++)
            {
                if (size[b] == 0) continue;
                for (var r = start[a]; r < start[a + 1]; r += RowChunk)
                {
                    items.Add(new Item(a, b, r, Math.Min(start[a + 1], r + RowChunk), a == b ? -1 : partialLength));
                    if (a != b) partialLength += size[b];
                }
            }
        }
        // Largest items first keeps the tail of the parallel loop short.
        var schedule = Enumerable.Range(0, items.Count)
            .OrderByDescending(t => (long)(items[t].RowEnd - items[t].RowStart) * size[items[t].ColumnCluster])
            .ToArray();
        var sums = new double[n * clusterCount];
        var partials = new double[partialLength];
        Parallelism.For(0, schedule.Length, options, t =>
        {
            var item = items[schedule[t]];
            Process(cols, n, dim, clusterCount, item, start, sums, partials);
        });

        foreach (var item in items)
        {
            if (item.PartialOffset < 0) continue;
            int b = item.ColumnCluster, bs = start[b], count = size[b];
            var part = partials.AsSpan((int)item.PartialOffset, count);
            for (var j = 0; j < count; j++) sums[(bs + j) * clusterCount + item.RowCluster] += part[j];
        }

        var result = new double[n * clusterCount];
        for (var p = 0; p < n; p++)
            sums.AsSpan(p * clusterCount, clusterCount).CopyTo(result.AsSpan(order[p] * clusterCount, clusterCount));
        return result;
    }

    private static void Process(double[] cols, int n, int dim, int clusterCount, Item item, int[] start, double[] sums, double[] partials)
    {
        int bs = start[item.ColumnCluster], be = start[item.ColumnCluster + 1];
        var symmetric = item.PartialOffset >= 0;
        var part = symmetric ? partials.AsSpan((int)item.PartialOffset, be - bs) : Span<double>.Empty;
        Span<double> rowSum = stackalloc double[Group];
        Span<int> rows = stackalloc int[Group];
        Span<double> q = stackalloc double[Group * dim];
        var rowTotals = new double[item.RowEnd - item.RowStart];
        for (var jb = bs; jb < be; jb += ColumnBlock)
        {
            var je = Math.Min(be, jb + ColumnBlock);
            for (var g = item.RowStart; g < item.RowEnd; g += Group)
            {
                var live = Math.Min(Group, item.RowEnd - g);
                for (var r = 0; r < Group; r++)
                {
                    rows[r] = g + Math.Min(r, live - 1);
                    for (var d = 0; d < dim; d++) q[d * Group + r] = cols[d * n + rows[r]];
                }
                ScanGroup(cols, n, dim, q, live, jb, je, bs, part, rowSum);
                for (var r = 0; r < live; r++) rowTotals[g + r - item.RowStart] += rowSum[r];
            }
        }
        for (var i = item.RowStart; i < item.RowEnd; i++) sums[i * clusterCount + item.ColumnCluster] = rowTotals[i - item.RowStart];
    }

    /// <summary>
    /// Distances from up to four query rows to columns [jb, je): row sums into <paramref name="rowSum"/>, column sums
    /// added to <paramref name="part"/> when it is not empty. <paramref name="q"/> is <c>[dim, 4]</c>.
    /// </summary>
    private static void ScanGroup(double[] cols, int n, int dim, ReadOnlySpan<double> q, int live, int jb, int je, int bs, Span<double> part, Span<double> rowSum)
    {
        var vc = Vector<double>.Count;
        ref var c0 = ref MemoryMarshal.GetArrayDataReference(cols);
        ref var qStart = ref MemoryMarshal.GetReference(q);
        var symmetric = !part.IsEmpty;
        // Padded rows (r ≥ live) repeat the last live row; their column contributions are masked off.
        var w1 = live > 1 ? Vector<double>.One : Vector<double>.Zero;
        var w2 = live > 2 ? Vector<double>.One : Vector<double>.Zero;
        var w3 = live > 3 ? Vector<double>.One : Vector<double>.Zero;
        var r0 = Vector<double>.Zero;
        var r1 = Vector<double>.Zero;
        var r2 = Vector<double>.Zero;
        var r3 = Vector<double>.Zero;
        ref var p0 = ref MemoryMarshal.GetReference(part);
        var j = jb;
        for (; j <= je - vc; j += vc)
        {
            var a0 = Vector<double>.Zero;
            var a1 = Vector<double>.Zero;
            var a2 = Vector<double>.Zero;
            var a3 = Vector<double>.Zero;
            ref var col = ref Unsafe.Add(ref c0, j);
            ref var qd = ref qStart;
            for (var d = 0; d < dim; d++)
            {
                var x = Vector.LoadUnsafe(ref col);
                var e0 = x - new Vector<double>(qd);
                var e1 = x - new Vector<double>(Unsafe.Add(ref qd, 1));
                var e2 = x - new Vector<double>(Unsafe.Add(ref qd, 2));
                var e3 = x - new Vector<double>(Unsafe.Add(ref qd, 3));
                a0 = Vector.FusedMultiplyAdd(e0, e0, a0);
                a1 = Vector.FusedMultiplyAdd(e1, e1, a1);
                a2 = Vector.FusedMultiplyAdd(e2, e2, a2);
                a3 = Vector.FusedMultiplyAdd(e3, e3, a3);
                col = ref Unsafe.Add(ref col, n);
                qd = ref Unsafe.Add(ref qd, Group);
            }
            var d0 = Vector.SquareRoot(a0);
            var d1 = Vector.SquareRoot(a1);
            var d2 = Vector.SquareRoot(a2);
            var d3 = Vector.SquareRoot(a3);
            r0 += d0;
            r1 += d1;
            r2 += d2;
            r3 += d3;
            if (symmetric)
            {
                var off = (nuint)(j - bs);
                var acc = Vector.LoadUnsafe(ref p0, off);
                acc += (d0 + d1 * w1) + (d2 * w2 + d3 * w3);
                acc.StoreUnsafe(ref p0, off);
            }
        }
        rowSum[0] = Vector.Sum(r0);
        rowSum[1] = Vector.Sum(r1);
        rowSum[2] = Vector.Sum(r2);
        rowSum[3] = Vector.Sum(r3);
        for (; j < je; j++)
        {
            var colTotal = 0.0;
            for (var r = 0; r < Group; r++)
            {
                var s = 0.0;
                for (var d = 0; d < dim; d++)
                {
                    var e = cols[d * n + j] - q[d * Group + r];
                    s = Math.FusedMultiplyAdd(e, e, s);
                }
                var dist = Math.Sqrt(s);
                rowSum[r] += dist;
                if (r < live) colTotal += dist;
            }
            if (symmetric) part[j - bs] += colTotal;
        }
    }
}
