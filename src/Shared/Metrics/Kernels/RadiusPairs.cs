using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;

namespace HardSamples.Shared.Metrics.Kernels;

/// <summary>All pairs i &lt; j within a radius: a vectorised squared-distance filter, then the exact distance check.</summary>
internal static class RadiusPairs
{
    private const int RowsPerTask = 64;

    public static IReadOnlyList<NeighborPair> Find(PointSet points, double radius, int maxPairs, ParallelOptions options)
    {
        if (!(radius >= 0) || double.IsInfinity(radius)) throw new ArgumentException($"Radius must be finite and non-negative, got {radius}.", nameof(radius));
        if (maxPairs < 1) throw new ArgumentException($"maxPairs must be positive, got {maxPairs}.", nameof(maxPairs));
        int n = points.Count, dim = points.Dimension;
        var cols = ColumnMajor.Of(points);
        // A slightly wider squared bound for the SIMD filter; every candidate is re-checked with the exact sqrt.
        var bound = radius * radius * (1 + 1e-12) + double.Epsilon;
        var found = new ConcurrentBag<List<NeighborPair>>();
        var total = 0;
        var tasks = (n + RowsPerTask - 1) / RowsPerTask;
        Parallel.For(0, tasks, options, (t, state) =>
        {
            var local = new List<NeighborPair>();
            var vc = Vector<double>.Count;
            ref var c0 = ref MemoryMarshal.GetArrayDataReference(cols);
            var vBound = new Vector<double>(bound);
            for (var i = t * RowsPerTask; i < Math.Min(n, (t + 1) * RowsPerTask); i++)
            {
                var qi = points.Row(i);
                var j = i + 1;
                for (; j <= n - vc; j += vc)
                {
                    var acc = Vector<double>.Zero;
                    for (var d = 0; d < dim; d++)
                    {
                        var diff = Vector.LoadUnsafe(ref c0, (nuint)(d * n + j)) - new Vector<double>(qi[d]);
                        acc += diff * diff;
                    }
                    if (!Vector.LessThanOrEqualAny(acc, vBound)) continue;
                    for (var l = 0; l < vc; l++) Check(points, i, j + l, radius, local);
                }
                for (; j < n; j++) Check(points, i, j, radius, local);
                if (local.Count > maxPairs) break;
            }
            if (local.Count == 0) return;
            if (Interlocked.Add(ref total, local.Count) > maxPairs) state.Stop();
            found.Add(local);
        });
        if (total > maxPairs)
            throw new InvalidOperationException($"More than {maxPairs} pairs lie within distance {radius}; lower the threshold or raise the pair limit.");
        var all = found.SelectMany(l => l).ToList();
        all.Sort((x, y) =>
        {
            var c = x.Distance.CompareTo(y.Distance);
            if (c != 0) return c;
            c = x.First.CompareTo(y.First);
            return c != 0 ? c : x.Second.CompareTo(y.Second);
        });
        return all;
    }

    private static void Check(PointSet points, int i, int j, double radius, List<NeighborPair> output)
    {
        var dist = points.Distance(i, j);
        if (dist <= radius) output.Add(new NeighborPair(i, j, dist));
    }
}
