using HardSamples.Shared.Metrics;
using HardSamples.Shared.Metrics.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Metrics;

/// <summary>
/// <see cref="IDistanceKernel"/> on TorchSharp: CUDA when available (or when <c>device</c> says so), CPU torch
/// otherwise. The O(N²) parts run in float64 on the device with direct (non-matmul) Euclidean distances
/// (<c>cdist</c>, <c>donot_use_mm_for_euclid_dist</c>), block by block; everything that decides an output is then
/// made exact on the host so results equal <see cref="CpuDistanceKernel"/>'s: kNN candidates are re-ranked with exact
/// float64 distances (distance, then index; a row whose candidate margin is too thin falls back to an exact scan),
/// radius pairs are re-checked exactly. Cluster sums agree to rounding (~1e-15 relative).
/// </summary>
public sealed class TorchDistanceKernel : IDistanceKernel
{
    private const long BlockElements = 1 << 25;
    private const int CandidateMargin = 8;
    private readonly Device _device;

    /// <summary>Creates a kernel on <paramref name="device"/> (<c>cuda</c>, <c>cpu</c>; null = CUDA if available).</summary>
    /// <exception cref="InvalidOperationException">The TorchSharp native library cannot be loaded, or CUDA was requested but is unavailable.</exception>
    public TorchDistanceKernel(string? device = null)
    {
        // Native set-up shared by every torch entry point (oneDNN ISA, OpenMP wait policy) before the first torch call.
        Torch.TorchRuntime.EnsureInitialized();
        try
        {
            var hasCuda = torch.cuda.is_available();
            if (device is "cuda" && !hasCuda) throw new InvalidOperationException("Device 'cuda' was requested but CUDA is not available to TorchSharp.");
            _device = torch.device(device ?? (hasCuda ? "cuda" : "cpu"));
        }
        catch (TypeInitializationException e)
        {
            throw new InvalidOperationException($"TorchSharp could not load its native library ({e.InnerException?.Message ?? e.Message}).", e);
        }
    }

    /// <inheritdoc />
    public string Name => $"torch-{_device.type.ToString().ToLowerInvariant()}";

    /// <summary>Whether the kernel runs on a CUDA device.</summary>
    public bool IsCuda => _device.type == DeviceType.CUDA;

    /// <inheritdoc />
    public NeighborGraph NearestNeighbors(PointSet points, int k, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        int n = points.Count;
        if (k < 1 || k > n - 1)
            throw new ArgumentException($"k = {k} nearest neighbours need k ≥ 1 and at least k + 1 points; there are {n} points.", nameof(k));
        var take = Math.Min(n, k + 1 + CandidateMargin);
        var distances = new double[n * k];
        var indices = new int[n * k];
        using var all = ToDevice(points);
        var rows = RowsPerBlock(n);
        for (var start = 0; start < n; start += rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(rows, n - start);
            long[] candidates;
            double[] approx;
            using (NewDisposeScope())
            {
                var block = all.narrow(0, start, count);
                var d = cdist(block, all, 2.0, compute_mode.donot_use_mm_for_euclid_dist);
                var (values, ids) = d.topk(take, dim: 1, largest: false, sorted: true);
                approx = values.cpu().data<double>().ToArray();
                candidates = ids.cpu().data<long>().ToArray();
            }
            for (var r = 0; r < count; r++)
                Refine(points, start + r, k, candidates.AsSpan(r * take, take), approx.AsSpan(r * take, take), distances.AsSpan((start + r) * k, k), indices.AsSpan((start + r) * k, k));
        }
        return new NeighborGraph(distances, indices, n, k);
    }

    /// <inheritdoc />
    public double[] ClusterDistanceSums(PointSet points, int[] labels, int clusterCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(labels);
        int n = points.Count;
        if (labels.Length != n) throw new ArgumentException($"{labels.Length} labels for {n} points.", nameof(labels));
        if (clusterCount < 1) throw new ArgumentException($"Cluster count must be positive, got {clusterCount}.", nameof(clusterCount));
        var oneHot = new double[n * clusterCount];
        for (var i = 0; i < n; i++)
        {
            if ((uint)labels[i] >= (uint)clusterCount) throw new ArgumentException($"Label {labels[i]} of point {i} is outside [0, {clusterCount}).", nameof(labels));
            oneHot[i * clusterCount + labels[i]] = 1;
        }
        var sums = new double[n * clusterCount];
        using var all = ToDevice(points);
        using var members = tensor(oneHot, [n, clusterCount], ScalarType.Float64, _device);
        var rows = RowsPerBlock(n);
        for (var start = 0; start < n; start += rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(rows, n - start);
            using var scope = NewDisposeScope();
            var d = cdist(all.narrow(0, start, count), all, 2.0, compute_mode.donot_use_mm_for_euclid_dist);
            d.matmul(members).cpu().data<double>().ToArray().CopyTo(sums, start * clusterCount);
        }
        return sums;
    }

    /// <inheritdoc />
    public void AssignNearest(PointSet points, PointSet centres, int[] labels, double[] squaredDistances)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(centres);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(squaredDistances);
        int n = points.Count, dim = points.Dimension, k = centres.Count;
        if (centres.Dimension != dim) throw new ArgumentException($"Centres have {centres.Dimension} dimensions, points {dim}.", nameof(centres));
        if (labels.Length != n || squaredDistances.Length != n) throw new ArgumentException($"Output buffers must hold {n} entries.");
        using var all = ToDevice(points);
        using var c = ToDevice(centres);
        var rows = (int)Math.Max(1, BlockElements / Math.Max(1L, (long)k * dim));
        for (var start = 0; start < n; start += rows)
        {
            var count = Math.Min(rows, n - start);
            using var scope = NewDisposeScope();
            var diff = all.narrow(0, start, count).unsqueeze(1) - c.unsqueeze(0);
            var (values, ids) = (diff * diff).sum(2).min(1);
            values.cpu().data<double>().ToArray().CopyTo(squaredDistances, start);
            var chosen = ids.cpu().data<long>().ToArray();
            for (var r = 0; r < count; r++) labels[start + r] = (int)chosen[r];
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<NeighborPair> PairsWithin(PointSet points, double radius, int maxPairs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (!(radius >= 0) || double.IsInfinity(radius)) throw new ArgumentException($"Radius must be finite and non-negative, got {radius}.", nameof(radius));
        int n = points.Count;
        var pairs = new List<NeighborPair>();
        using var all = ToDevice(points);
        var rows = RowsPerBlock(n);
        for (var start = 0; start < n; start += rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(rows, n - start);
            long[] hits;
            using (NewDisposeScope())
            {
                var d = cdist(all.narrow(0, start, count), all, 2.0, compute_mode.donot_use_mm_for_euclid_dist);
                hits = nonzero(d <= radius * (1 + 1e-12) + 1e-300).cpu().data<long>().ToArray();
            }
            for (var h = 0; h < hits.Length; h += 2)
            {
                int i = start + (int)hits[h], j = (int)hits[h + 1];
                if (j <= i) continue;
                var exact = points.Distance(i, j);
                if (exact > radius) continue;
                pairs.Add(new NeighborPair(i, j, exact));
                if (pairs.Count > maxPairs)
                    throw new InvalidOperationException($"More than {maxPairs} pairs lie within distance {radius}; lower the threshold or raise the pair limit.");
            }
        }
        pairs.Sort((x, y) =>
        {
            var c = x.Distance.CompareTo(y.Distance);
            if (c != 0) return c;
            c = x.First.CompareTo(y.First);
            return c != 0 ? c : x.Second.CompareTo(y.Second);
        });
        return pairs;
    }

    private Tensor ToDevice(PointSet points) => tensor(points.Data, [points.Count, points.Dimension], ScalarType.Float64, _device);

    private static int RowsPerBlock(int n) => (int)Math.Clamp(BlockElements / Math.Max(1, n), 1, n);

    /// <summary>
    /// Exact re-ranking of the device's candidates: (exact distance, index), self excluded. When the last candidate
    /// is not clearly farther than the k-th exact neighbour (ties could hide beyond the margin) the row is scanned exactly.
    /// </summary>
    private static void Refine(PointSet points, int query, int k, ReadOnlySpan<long> candidates, ReadOnlySpan<double> approx, Span<double> outD, Span<int> outI)
    {
        var list = new List<(double D2, int J)>(candidates.Length);
        foreach (var c in candidates)
        {
            var j = (int)c;
            if (j != query) list.Add((PointSet.SquaredDistance(points.Row(query), points.Row(j)), j));
        }
        list.Sort((a, b) => a.D2 != b.D2 ? a.D2.CompareTo(b.D2) : a.J.CompareTo(b.J));
        var complete = candidates.Length == points.Count;
        var kth = Math.Sqrt(list[k - 1].D2);
        if (!complete && !(approx[^1] > kth * (1 + 1e-9) + 1e-300))
        {
            list.Clear();
            for (var j = 0; j < points.Count; j++)
            {
                if (j != query) list.Add((PointSet.SquaredDistance(points.Row(query), points.Row(j)), j));
            }
            list.Sort((a, b) => a.D2 != b.D2 ? a.D2.CompareTo(b.D2) : a.J.CompareTo(b.J));
        }
        for (var t = 0; t < k; t++)
        {
            outD[t] = Math.Sqrt(list[t].D2);
            outI[t] = list[t].J;
        }
    }
}
