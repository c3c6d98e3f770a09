using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HardSamples.Shared.Metrics.Kernels;

namespace HardSamples.Shared.Metrics;

/// <summary>
/// Local intrinsic dimension estimators on an exact kNN graph (golden README "TLE" and "MLE").
/// <para>TLE (Amsaleg et al. 2019, "Intrinsic dimensionality estimation within tight localities"), exactly
/// scikit-dimension 0.3.4 <c>TLE(epsilon).fit_transform_pw(X, n_neighbors=k)</c> including its boundary overrides
/// and the <c>nDeps</c> quirk (s2 = 0 as soon as one neighbour is closer than ε). Vectorised over neighbour pairs.</para>
/// <para>MLE (Levina–Bickel / Amsaleg et al. 2015): −k / Σᵢ ln(dᵢ/d_k).</para>
/// Defined values where the reference would give NaN/∞ (documented deviations): a zero distance, all-equal
/// distances or a zero denominator give 0; in TLE an off-diagonal S or T that is still NaN/∞ after the overrides
/// (only exactly antipodal neighbour pairs) is treated like a numerically zero measurement (set to r, counted in nTSeps).
/// A zero k-NN radius (k or more exact duplicates) has no TLE and raises, as in scikit-dimension.
/// </summary>
public static class LocalIntrinsicDimension
{
    /// <summary>The seed's TLE neighbourhood size.</summary>
    public const int DefaultTleNeighbors = 30;

    /// <summary>The MLE neighbourhood size.</summary>
    public const int DefaultMleNeighbors = 20;

    /// <summary>scikit-dimension's TLE ε.</summary>
    public const double DefaultEpsilon = 1e-4;

    private const int SamplesPerTask = 128;

    /// <summary>TLE of every point using the first <paramref name="k"/> neighbours of <paramref name="graph"/>.</summary>
    /// <exception cref="InvalidDataException">A point's k-th neighbour distance is zero.</exception>
    public static double[] Tle(PointSet points, NeighborGraph graph, int k = DefaultTleNeighbors, double epsilon = DefaultEpsilon, ParallelOptions? parallel = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.Count != points.Count) throw new ArgumentException($"The graph covers {graph.Count} points, the point set has {points.Count}.", nameof(graph));
        if (k < 2 || k > graph.K) throw new ArgumentOutOfRangeException(nameof(k), $"TLE needs 2 ≤ k ≤ {graph.K} (the graph's k), got {k}.");
        var result = new double[points.Count];
        var tasks = (points.Count + SamplesPerTask - 1) / SamplesPerTask;
        Parallelism.For(0, tasks, parallel ?? new ParallelOptions(),
            () => new TleScratch(k, points.Dimension),
            (t, scratch) =>
            {
                var end = Math.Min(points.Count, (t + 1) * SamplesPerTask);
                for (var i = t * SamplesPerTask; i < end; i++)
                {
                    scratch.Load(points, graph.NeighborsOf(i)[..k]);
                    try
                    {
                        result[i] = scratch.Estimate(graph.DistancesOf(i)[..k], epsilon);
                    }
                    catch (InvalidDataException e)
                    {
                        throw new InvalidDataException($"Point {i}: {e.Message}", e);
                    }
                }
                return scratch;
            });
        return result;
    }

    /// <summary>
    /// TLE of one neighbourhood: <paramref name="distances"/> sorted ascending (d₁..d_k), <paramref name="neighbors"/>
    /// the neighbours' coordinates row-major <c>[k, dim]</c> in the same order.
    /// </summary>
    public static double Tle(ReadOnlySpan<double> distances, ReadOnlySpan<double> neighbors, int dim, double epsilon = DefaultEpsilon)
    {
        var k = distances.Length;
        if (k < 2) throw new ArgumentException("TLE needs at least two neighbours.", nameof(distances));
        if (neighbors.Length != k * dim) throw new ArgumentException($"{k} neighbours × {dim} dimensions need {k * dim} coordinates, got {neighbors.Length}.", nameof(neighbors));
        var scratch = new TleScratch(k, dim);
        scratch.Load(neighbors);
        return scratch.Estimate(distances, epsilon);
    }

    /// <summary>MLE of every point from its first <paramref name="k"/> neighbour distances.</summary>
    public static double[] Mle(NeighborGraph graph, int k = DefaultMleNeighbors)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (k < 1 || k > graph.K) throw new ArgumentOutOfRangeException(nameof(k), $"MLE needs 1 ≤ k ≤ {graph.K} (the graph's k), got {k}.");
        var result = new double[graph.Count];
        for (var i = 0; i < graph.Count; i++) result[i] = Mle(graph.DistancesOf(i)[..k]);
        return result;
    }

    /// <summary>MLE of one sorted distance row: −k / Σ ln(dᵢ/d_k); 0 for a zero distance or all-equal distances.</summary>
    public static double Mle(ReadOnlySpan<double> distances)
    {
        var k = distances.Length;
        if (k == 0) throw new ArgumentException("MLE needs at least one neighbour.", nameof(distances));
        var r = distances[k - 1];
        if (r == 0) return 0;
        var sum = 0.0;
        foreach (var d in distances)
        {
            if (d == 0) return 0;
            sum += Math.Log(d / r);
        }
        var lid = -k / sum;
        return double.IsFinite(lid) ? lid : 0;
    }

    /// <summary>Per-thread buffers for the vectorised TLE of one neighbourhood.</summary>
    private sealed class TleScratch
    {
        private readonly int _k;
        private readonly int _padded;
        private readonly int _dim;
        private readonly double[] _coords;   // [dim, padded]
        private readonly double[] _v;        // [k, padded]
        private readonly double[] _dj;       // [padded]
        private readonly double[] _ratios;   // [2 · k · padded]

        public TleScratch(int k, int dim)
        {
            var vc = Vector<double>.Count;
            _k = k;
            _dim = dim;
            _padded = (k + vc - 1) / vc * vc;
            _coords = new double[dim * _padded];
            _v = new double[k * _padded];
            _dj = new double[_padded];
            _ratios = new double[2 * k * _padded];
        }

        public void Load(PointSet points, ReadOnlySpan<int> neighbors)
        {
            for (var b = 0; b < _padded; b++)
            {
                var row = points.Row(neighbors[Math.Min(b, _k - 1)]);
                for (var d = 0; d < _dim; d++) _coords[d * _padded + b] = row[d];
            }
        }

        public void Load(ReadOnlySpan<double> neighbors)
        {
            for (var b = 0; b < _padded; b++)
            {
                var src = Math.Min(b, _k - 1) * _dim;
                for (var d = 0; d < _dim; d++) _coords[d * _padded + b] = neighbors[src + d];
            }
        }

        public double Estimate(ReadOnlySpan<double> dists, double epsilon)
        {
            int k = _k, kp = _padded, vc = Vector<double>.Count, dim = _dim;
            var r = dists[k - 1];
            if (r == 0) throw new InvalidDataException($"all {k} nearest-neighbour distances are zero (k or more identical points); TLE is undefined.");
            for (var b = 0; b < kp; b++) _dj[b] = b < k ? dists[b] : r;

            // V_ab = ‖x_a − x_b‖, summed in coordinate order like scipy's pdist; the upper triangle (in whole vectors)
            // is computed, the rest mirrored (identical bits: (x−y)² = (y−x)²).
            ref var coords = ref MemoryMarshal.GetArrayDataReference(_coords);
            ref var v0 = ref MemoryMarshal.GetArrayDataReference(_v);
            for (var a = 0; a < k; a++)
            {
                var first = a / vc * vc;
                for (var b = 0; b < first; b++) _v[a * kp + b] = _v[b * kp + a];
                for (var b = first; b < kp; b += vc)
                {
                    var acc = Vector<double>.Zero;
                    ref var col = ref Unsafe.Add(ref coords, b);
                    ref var self = ref Unsafe.Add(ref coords, a);
                    for (var d = 0; d < dim; d++)
                    {
                        var diff = Vector.LoadUnsafe(ref col) - new Vector<double>(self);
                        acc += diff * diff;
                        col = ref Unsafe.Add(ref col, kp);
                        self = ref Unsafe.Add(ref self, kp);
                    }
                    Vector.SquareRoot(acc).StoreUnsafe(ref v0, (nuint)(a * kp + b));
                }
            }

            var rv = new Vector<double>(r);
            var invR = new Vector<double>(1 / r);
            var r2 = r * r;
            var r2v = new Vector<double>(r2);
            var epsv = new Vector<double>(epsilon);
            var two = new Vector<double>(2.0);
            var four = new Vector<double>(4.0);
            var kv = new Vector<double>(k);
            var tiny = new Vector<double>(1e-280);
            var huge = new Vector<double>(1e280);
            Span<double> iotaBuf = stackalloc double[vc];
            for (var l = 0; l < vc; l++) iotaBuf[l] = l;
            var iota = new Vector<double>(iotaBuf);
            long nV0 = 0, nTSeps = 0;
            var w = 0;
            for (var a = 0; a < k; a++)
            {
                var di = dists[a];
                var di2 = new Vector<double>(di * di);
                var rowDr = di == r;
                var rowDi0 = di == 0;
                var av = new Vector<double>(a);
                var r2mdi2 = r2v - di2;
                var invDen = Vector<double>.One / (two * r2mdi2);
                var productS = Vector<double>.One;
                var productT = Vector<double>.One;
                var rowStart = w;
                for (var b = 0; b < kp; b += vc)
                {
                    var lane = iota + new Vector<double>(b);
                    var valid = Vector.LessThan(lane, kv) & ~Vector.Equals(lane, av);
                    var v = Vector.LoadUnsafe(ref v0, (nuint)(a * kp + b));
                    var dj = new Vector<double>(_dj, b);
                    var vsq = v * v;
                    var dj2 = dj * dj;
                    var z2 = (two * di2 + two * dj2) - vsq;
                    Vector<double> s, t;
                    if (!rowDr)
                    {
                        var pa = (di2 + vsq) - dj2;
                        s = rv * (Vector.SquareRoot(pa * pa + four * vsq * r2mdi2) - pa) * invDen;
                        var pb = (di2 + z2) - dj2;
                        t = rv * (Vector.SquareRoot(pb * pb + four * z2 * r2mdi2) - pb) * invDen;
                    }
                    else
                    {
                        s = rv * vsq / ((r2v + vsq) - dj2);
                        t = rv * z2 / ((r2v + z2) - dj2);
                    }
                    if (rowDi0)
                    {
                        s = dj;
                        t = dj;
                    }
                    var dj0 = Vector.Equals(dj, Vector<double>.Zero);
                    if (dj0 != Vector<long>.Zero)
                    {
                        var repl = rv * v / (rv + v);
                        s = Vector.ConditionalSelect(dj0, repl, s);
                        t = Vector.ConditionalSelect(dj0, repl, t);
                    }
                    var v0Mask = Vector.Equals(v, Vector<double>.Zero) & valid;
                    nV0 -= Vector.Sum(v0Mask);
                    s = Vector.ConditionalSelect(v0Mask, rv, s);
                    t = Vector.ConditionalSelect(v0Mask, rv, t);
                    var small = (Vector.LessThan(t, epsv) | Vector.LessThan(s, epsv)) & valid;
                    nTSeps -= Vector.Sum(small);
                    s = Vector.ConditionalSelect(small, rv, s);
                    t = Vector.ConditionalSelect(small, rv, t);
                    // Only exactly antipodal neighbours leave NaN/∞ here; treat them as a numerically zero measurement.
                    var bad = ~(Vector.IsFinite(s) & Vector.IsFinite(t)).As<double, long>() & valid;
                    if (bad != Vector<long>.Zero)
                    {
                        nTSeps -= Vector.Sum(bad);
                        s = Vector.ConditionalSelect(bad, rv, s);
                        t = Vector.ConditionalSelect(bad, rv, t);
                    }
                    var ratioS = Vector.ConditionalSelect(valid, s * invR, Vector<double>.One);
                    var ratioT = Vector.ConditionalSelect(valid, t * invR, Vector<double>.One);
                    ratioS.CopyTo(_ratios, w);
                    ratioT.CopyTo(_ratios, w + vc);
                    w += 2 * vc;
                    productS *= ratioS;
                    productT *= ratioT;
                }
                // Σ ln = ln Π: one logarithm per lane and row instead of one per pair, unless the products leave the
                // safe range (then the row's ratios stay for individual logarithms).
                var safe = Vector.GreaterThan(productS, tiny) & Vector.LessThan(productS, huge)
                    & Vector.GreaterThan(productT, tiny) & Vector.LessThan(productT, huge);
                if (Vector.EqualsAll(safe, new Vector<long>(-1)))
                {
                    w = rowStart;
                    (productS * productT).CopyTo(_ratios, w);
                    w += vc;
                }
            }
            var logs = _ratios.AsSpan(0, w);
            TensorPrimitives.Log(logs, logs);
            var s1 = TensorPrimitives.Sum<double>(logs);

            var nDeps = 0;
            foreach (var d in dists)
            {
                if (d < epsilon) nDeps++;
            }
            var s2 = 0.0;
            if (nDeps == 0)
            {
                foreach (var d in dists) s2 += Math.Log(d / r);
            }
            var lid = -2.0 * ((double)k * k - nTSeps - nDeps - nV0) / (s1 + 2 * s2);
            return double.IsFinite(lid) ? lid : 0;
        }
    }
}
