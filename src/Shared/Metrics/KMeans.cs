using System.Numerics.Tensors;
using HardSamples.Shared.Metrics.Kernels;

namespace HardSamples.Shared.Metrics;

/// <summary>k-means settings (scikit-learn's <c>KMeans(n_clusters, n_init, max_iter, tol, random_state)</c> with Lloyd and k-means++).</summary>
/// <param name="Clusters">Number of clusters.</param>
/// <param name="Inits">Independent k-means++ starts; the lowest inertia wins.</param>
/// <param name="MaxIterations">Lloyd iterations per start.</param>
/// <param name="Tolerance">Relative tolerance: a start stops when Σ‖Δcentre‖² ≤ tol × mean per-feature variance.</param>
/// <param name="Seed">Seed of this implementation's own generator (scikit-learn's RNG stream is not reproduced).</param>
public sealed record KMeansOptions(int Clusters = 10, int Inits = 10, int MaxIterations = 200, double Tolerance = 1e-4, int Seed = 91);

/// <summary>A fitted clustering.</summary>
/// <param name="Labels">Cluster of every point.</param>
/// <param name="Centres">Centres, row-major <c>[Clusters, D]</c>.</param>
/// <param name="Inertia">Σ squared distance of every point to its centre.</param>
/// <param name="Iterations">Lloyd iterations of the winning start.</param>
public sealed record KMeansResult(int[] Labels, PointSet Centres, double Inertia, int Iterations);

/// <summary>
/// k-means as scikit-learn runs it: greedy k-means++ seeding (2 + ⌊ln k⌋ local trials), Lloyd iterations with
/// scikit-learn's stopping rule (labels unchanged, or centre shift ≤ tol·mean variance; a final assignment when it
/// stopped on the shift), empty clusters moved to the points farthest from their centres, best of n_init starts by
/// inertia. Deterministic for a seed and independent of the thread count. Assignment runs on an <see cref="IDistanceKernel"/>.
/// </summary>
public static class KMeans
{
    /// <summary>Fits k-means to <paramref name="points"/>.</summary>
    /// <exception cref="ArgumentException">Fewer points than clusters, or invalid options.</exception>
    public static KMeansResult Fit(PointSet points, KMeansOptions options, IDistanceKernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Clusters < 1) throw new ArgumentException($"k-means needs at least one cluster, got {options.Clusters}.", nameof(options));
        if (options.Inits < 1 || options.MaxIterations < 1) throw new ArgumentException("k-means needs at least one start and one iteration.", nameof(options));
        if (!(options.Tolerance >= 0)) throw new ArgumentException($"Tolerance must be non-negative, got {options.Tolerance}.", nameof(options));
        if (points.Count < options.Clusters) throw new ArgumentException($"k-means with {options.Clusters} clusters needs at least as many points; there are {points.Count}.", nameof(points));
        var steps = new Steps(points, kernel ?? CpuDistanceKernel.Default, cancellationToken);
        var tol = options.Tolerance * MeanVariance(points);
        var seeds = new SplitMix64((ulong)options.Seed);
        KMeansResult? best = null;
        for (var init = 0; init < options.Inits; init++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rng = new SplitMix64(seeds.Next());
            var centres = PlusPlus(points, options.Clusters, rng, steps);
            var run = Lloyd(points, centres, options.MaxIterations, tol, steps, cancellationToken);
            if (best is null || run.Inertia < best.Inertia) best = run;
        }
        return best!;
    }

    /// <summary>Σ ‖x − centre(label)‖² for given labels and centres.</summary>
    public static double Inertia(PointSet points, int[] labels, PointSet centres)
    {
        var sum = 0.0;
        for (var i = 0; i < points.Count; i++) sum += PointSet.SquaredDistance(points.Row(i), centres.Row(labels[i]));
        return sum;
    }

    private static double MeanVariance(PointSet points)
    {
        int n = points.Count, dim = points.Dimension;
        var total = 0.0;
        for (var d = 0; d < dim; d++)
        {
            var mean = 0.0;
            for (var i = 0; i < n; i++) mean += points.Data[i * dim + d];
            mean /= n;
            var v = 0.0;
            for (var i = 0; i < n; i++)
            {
                var t = points.Data[i * dim + d] - mean;
                v += t * t;
            }
            total += v / n;
        }
        return total / dim;
    }

    /// <summary>Greedy k-means++ (scikit-learn's <c>_kmeans_plusplus</c>).</summary>
    private static PointSet PlusPlus(PointSet points, int clusters, SplitMix64 rng, Steps steps)
    {
        int n = points.Count, dim = points.Dimension;
        var trials = 2 + (int)Math.Log(clusters);
        var centres = new double[clusters * dim];
        var first = rng.NextInt(n);
        points.Row(first).CopyTo(centres.AsSpan(0, dim));
        var closest = new double[n];
        steps.DistancesTo(centres[..dim], 1, closest);
        var potential = Sum(closest);
        var cumulative = new double[n];
        var candidateIds = new int[trials];
        var candidates = new double[trials * dim];
        var candidateD2 = new double[trials * n];
        for (var c = 1; c < clusters; c++)
        {
            var running = 0.0;
            for (var i = 0; i < n; i++)
            {
                running += closest[i];
                cumulative[i] = running;
            }
            for (var t = 0; t < trials; t++)
            {
                var candidate = potential > 0 ? SearchSorted(cumulative, rng.NextDouble() * potential) : rng.NextInt(n);
                candidateIds[t] = Math.Min(candidate, n - 1);
                points.Row(candidateIds[t]).CopyTo(candidates.AsSpan(t * dim, dim));
            }
            steps.DistancesTo(candidates, trials, candidateD2);
            var bestPotential = double.PositiveInfinity;
            var best = 0;
            for (var t = 0; t < trials; t++)
            {
                var row = candidateD2.AsSpan(t * n, n);
                TensorPrimitives.Min(row, closest, row);
                var pot = TensorPrimitives.Sum<double>(row);
                if (pot < bestPotential)
                {
                    bestPotential = pot;
                    best = t;
                }
            }
            points.Row(candidateIds[best]).CopyTo(centres.AsSpan(c * dim, dim));
            candidateD2.AsSpan(best * n, n).CopyTo(closest);
            potential = bestPotential;
        }
        return new PointSet(centres, clusters, dim);
    }

    private static KMeansResult Lloyd(PointSet points, PointSet start, int maxIterations, double tol, Steps steps, CancellationToken ct)
    {
        int n = points.Count, dim = points.Dimension, k = start.Count;
        var centres = (double[])start.Data.Clone();
        var labels = new int[n];
        var previous = new int[n];
        Array.Fill(previous, -1);
        var d2 = new double[n];
        var sums = new double[k * dim];
        var counts = new int[k];
        var strict = false;
        var iterations = 0;
        var bounds = steps.NewBounds();
        var moved = new double[k];
        for (var it = 0; it < maxIterations; it++)
        {
            ct.ThrowIfCancellationRequested();
            iterations = it + 1;
            steps.AssignAndSum(centres, k, labels, d2, sums, counts, bounds);
            if (RelocateEmpty(points, labels, d2, sums, counts)) bounds?.Reset();
            var shift = 0.0;
            for (var c = 0; c < k; c++)
            {
                var m2 = 0.0;
                for (var d = 0; d < dim; d++)
                {
                    var updated = sums[c * dim + d] / counts[c];
                    var delta = updated - centres[c * dim + d];
                    m2 += delta * delta;
                    centres[c * dim + d] = updated;
                }
                shift += m2;
                moved[c] = Math.Sqrt(m2);
            }
            bounds?.Loosen(labels, moved);
            if (labels.AsSpan().SequenceEqual(previous))
            {
                strict = true;
                break;
            }
            if (shift <= tol) break;
            Array.Copy(labels, previous, n);
        }
        if (!strict) steps.Assign(centres, k, labels, d2);
        var centreSet = new PointSet(centres, k, dim);
        return new KMeansResult(labels, centreSet, Inertia(points, labels, centreSet), iterations);
    }

    /// <summary>The distance work of k-means: fused SIMD passes on the CPU kernel, <see cref="IDistanceKernel.AssignNearest"/> on any other.</summary>
    private sealed class Steps(PointSet points, IDistanceKernel kernel, CancellationToken ct)
    {
        private readonly ParallelOptions? _cpu = kernel is CpuDistanceKernel cpu ? cpu.Options(ct) : null;

        /// <summary>Hamerly bounds for one run on the CPU kernel (null elsewhere).</summary>
        public KMeansSteps.Bounds? NewBounds() => _cpu is null ? null : new KMeansSteps.Bounds(points.Count);

        public void AssignAndSum(double[] centres, int k, int[] labels, double[] d2, double[] sums, int[] counts, KMeansSteps.Bounds? bounds)
        {
            if (_cpu is not null)
            {
                if (bounds is not null) KMeansSteps.BoundedLloydStep(points, centres, k, labels, d2, sums, counts, bounds, _cpu);
                else KMeansSteps.LloydStep(points, centres, k, labels, d2, sums, counts, _cpu);
                return;
            }
            kernel.AssignNearest(points, new PointSet(centres, k, points.Dimension), labels, d2);
            var dim = points.Dimension;
            Array.Clear(sums);
            Array.Clear(counts);
            for (var i = 0; i < points.Count; i++)
            {
                var c = labels[i];
                counts[c]++;
                var row = points.Row(i);
                for (var d = 0; d < dim; d++) sums[c * dim + d] += row[d];
            }
        }

        public void Assign(double[] centres, int k, int[] labels, double[] d2)
        {
            if (_cpu is not null) KMeansSteps.Assign(points, centres, k, labels, d2, _cpu);
            else kernel.AssignNearest(points, new PointSet(centres, k, points.Dimension), labels, d2);
        }

        public void DistancesTo(double[] candidates, int m, double[] output)
        {
            if (_cpu is not null)
            {
                KMeansSteps.DistancesTo(points, candidates, m, output, _cpu);
                return;
            }
            var dim = points.Dimension;
            var labels = new int[points.Count];
            var buffer = new double[points.Count];
            for (var t = 0; t < m; t++)
            {
                kernel.AssignNearest(points, new PointSet(candidates[(t * dim)..((t + 1) * dim)], 1, dim), labels, buffer);
                buffer.CopyTo(output, t * points.Count);
            }
        }
    }

    /// <summary>
    /// Gives every empty cluster the point farthest from its current centre (scikit-learn's relocation: sums and counts
    /// move, labels are left to the next assignment). Returns whether anything moved.
    /// </summary>
    private static bool RelocateEmpty(PointSet points, int[] labels, double[] d2, double[] sums, int[] counts)
    {
        var dim = points.Dimension;
        var empty = Enumerable.Range(0, counts.Length).Where(c => counts[c] == 0).ToArray();
        if (empty.Length == 0) return false;
        var far = Enumerable.Range(0, points.Count).OrderByDescending(i => d2[i]).ThenBy(i => i).Take(empty.Length).ToArray();
        for (var e = 0; e < empty.Length && e < far.Length; e++)
        {
            var i = far[e];
            var from = labels[i];
            if (counts[from] <= 1) continue;
            var row = points.Row(i);
            for (var d = 0; d < dim; d++)
            {
                sums[from * dim + d] -= row[d];
                sums[empty[e] * dim + d] = row[d];
            }
            counts[from]--;
            counts[empty[e]] = 1;
        }
        // Clusters still empty (fewer distinct points than clusters) keep a centre at the first point.
        foreach (var c in empty)
        {
            if (counts[c] > 0) continue;
            points.Row(0).CopyTo(sums.AsSpan(c * dim, dim));
            counts[c] = 1;
        }
        return true;
    }

    private static double Sum(double[] values)
    {
        var s = 0.0;
        foreach (var v in values) s += v;
        return s;
    }

    private static int SearchSorted(double[] cumulative, double value)
    {
        int lo = 0, hi = cumulative.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (cumulative[mid] < value) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}

/// <summary>SplitMix64: a small, fast, fully specified generator (results never depend on the .NET version).</summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int NextInt(int n) => (int)(NextDouble() * n);
}
