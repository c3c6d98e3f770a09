using HardSamples.Shared.Metrics.Kernels;

namespace HardSamples.Shared.Metrics.Extended;

/// <summary>Settings of <see cref="PixelNearDuplicates"/>.</summary>
/// <param name="Candidates">Nearest neighbours per sample (in the pooled image space) checked at full resolution.</param>
/// <param name="MaxShift">Largest translation (pixels, each axis) the full-resolution comparison forgives.</param>
/// <param name="RelativeThreshold">A pair is a near-duplicate when its distance is below this fraction of the median
/// nearest-candidate distance (adapts to the data's scale and normalisation).</param>
/// <param name="Frequencies">The candidate search compares the magnitudes of the lowest <c>Frequencies</c> spatial
/// frequencies per axis of each image's 2-D Fourier transform (unchanged by small translations).</param>
public sealed record PixelNearDuplicateOptions(int Candidates = 5, int MaxShift = 1, double RelativeThreshold = 0.25, int Frequencies = 8)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (Candidates < 1) throw new ArgumentException($"Candidates must be at least 1, got {Candidates}.");
        if (MaxShift is < 0 or > 8) throw new ArgumentException($"MaxShift must be in [0, 8], got {MaxShift}.");
        if (!(RelativeThreshold > 0) || double.IsInfinity(RelativeThreshold)) throw new ArgumentException($"RelativeThreshold must be positive and finite, got {RelativeThreshold}.");
        if (Frequencies < 1) throw new ArgumentException($"Frequencies must be at least 1, got {Frequencies}.");
    }
}

/// <summary>Pairs found by <see cref="PixelNearDuplicates"/> and every sample's distance to its closest candidate.</summary>
/// <param name="Pairs">Near-duplicate pairs (First &lt; Second), closest first.</param>
/// <param name="NearestDistance">Per sample: the shift-tolerant RMS pixel distance to its closest candidate (a
/// per-sample redundancy score: small = a near copy exists).</param>
/// <param name="Threshold">Distance threshold applied.</param>
public sealed record PixelNearDuplicateResult(IReadOnlyList<NeighborPair> Pairs, double[] NearestDistance, double Threshold);

/// <summary>
/// Near-duplicate images found in pixel space, tolerant to small translations and noise: candidates are the nearest
/// neighbours in a translation-invariant descriptor — the magnitudes of each image's lowest 2-D Fourier frequencies
/// (a shift only changes the phases; the 2×2 average-pooled image missed a third of the one-pixel-shifted copies of
/// the bundled sample) — then each candidate pair is compared at full resolution as the smallest root-mean-square difference over all shifts up to <see cref="PixelNearDuplicateOptions.MaxShift"/>
/// (over the overlapping region). Works on any trained or untrained dataset: it does not depend on how well a probe's
/// embedding separates near copies (the seed autoencoder's saturated 10-D bottleneck found 5 of 100 injected copies).
/// </summary>
public static class PixelNearDuplicates
{
    /// <summary>Finds the pairs in <paramref name="images"/> ([count, channels, height, width], row-major).</summary>
    /// <exception cref="ArgumentException">Shapes disagree, or a setting is out of range.</exception>
    /// <exception cref="InvalidDataException">An image holds NaN or infinity.</exception>
    public static PixelNearDuplicateResult Find(float[] images, int count, int channels, int height, int width,
        PixelNearDuplicateOptions options, IDistanceKernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (count < 0 || channels < 1 || height < 1 || width < 1) throw new ArgumentException($"Bad image shape [{count}, {channels}, {height}, {width}].");
        var size = (long)channels * height * width;
        if (images.LongLength != count * size) throw new ArgumentException($"{images.LongLength} values do not make {count} images of {channels}×{height}×{width}.");
        var bad = Array.FindIndex(images, v => !float.IsFinite(v));
        if (bad >= 0) throw new InvalidDataException($"Image {bad / size} holds a non-finite value ({images[bad]}).");
        if (count < 2) return new PixelNearDuplicateResult([], new double[count], 0);
        kernel ??= CpuDistanceKernel.Default;

        var descriptors = FourierMagnitudes(images, count, channels, height, width, options.Frequencies, out var dimension);
        var k = Math.Min(options.Candidates, count - 1);
        var graph = kernel.NearestNeighbors(new PointSet(descriptors, count, dimension), k, cancellationToken);

        var refined = new double[count * k];
        Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var neighbours = graph.NeighborsOf(i);
            for (var c = 0; c < k; c++)
                refined[i * k + c] = ShiftTolerantDistance(images.AsSpan((int)(i * size), (int)size), images.AsSpan((int)(neighbours[c] * size), (int)size), channels, height, width, options.MaxShift);
        });
        var nearest = new double[count];
        for (var i = 0; i < count; i++) nearest[i] = refined.AsSpan(i * k, k).ToArray().Min();
        var threshold = options.RelativeThreshold * NearDuplicates.Median(nearest);

        var pairs = new Dictionary<(int, int), double>();
        for (var i = 0; i < count; i++)
        {
            var neighbours = graph.NeighborsOf(i);
            for (var c = 0; c < k; c++)
            {
                var d = refined[i * k + c];
                if (!(d <= threshold)) continue;
                var j = neighbours[c];
                var key = i < j ? (i, j) : (j, i);
                if (!pairs.TryGetValue(key, out var known) || d < known) pairs[key] = d;
            }
        }
        var list = pairs.Select(p => new NeighborPair(p.Key.Item1, p.Key.Item2, p.Value))
            .OrderBy(p => p.Distance).ThenBy(p => p.First).ThenBy(p => p.Second).ToList();
        return new PixelNearDuplicateResult(list, nearest, threshold);
    }

    /// <summary>
    /// Per image and channel, |F(u, v)| / (H·W) of the 2-D discrete Fourier transform for u in [0, U) and v in
    /// (−V, V), U = min(<paramref name="frequencies"/>, ⌊H/2⌋+1), V likewise for W (the other half-plane mirrors these
    /// for real images). A circular shift leaves these unchanged; a small shift of an image with a plain border nearly so.
    /// </summary>
    internal static double[] FourierMagnitudes(float[] images, int count, int channels, int height, int width, int frequencies, out int dimension)
    {
        int us = Math.Min(frequencies, height / 2 + 1), vs = Math.Min(frequencies, width / 2 + 1), vCount = 2 * vs - 1;
        dimension = channels * us * vCount;
        var dim = dimension;
        // Twiddles e^{-2πi·f·t/N} for the needed frequencies.
        var (rowCos, rowSin) = Twiddles(width, Enumerable.Range(-(vs - 1), vCount).ToArray());
        var (colCos, colSin) = Twiddles(height, Enumerable.Range(0, us).ToArray());
        var output = new double[(long)count * dim];
        var size = channels * height * width;
        var scale = 1.0 / (height * width);
        Parallel.For(0, count, () => (new double[height * vCount], new double[height * vCount]), (i, _, buffers) =>
        {
            var (re, im) = buffers;
            var image = images.AsSpan(i * size, size);
            var o = output.AsSpan(i * dim, dim);
            for (var ch = 0; ch < channels; ch++)
            {
                // Row transforms R[y, v].
                for (var y = 0; y < height; y++)
                {
                    var row = image.Slice((ch * height + y) * width, width);
                    for (var v = 0; v < vCount; v++)
                    {
                        double sr = 0, si = 0;
                        var cos = rowCos.AsSpan(v * width, width);
                        var sin = rowSin.AsSpan(v * width, width);
                        for (var x = 0; x < width; x++) { sr += row[x] * cos[x]; si += row[x] * sin[x]; }
                        re[y * vCount + v] = sr;
                        im[y * vCount + v] = si;
                    }
                }
                // Column transforms F[u, v] and their magnitudes.
                for (var u = 0; u < us; u++)
                {
                    var cos = colCos.AsSpan(u * height, height);
                    var sin = colSin.AsSpan(u * height, height);
                    for (var v = 0; v < vCount; v++)
                    {
                        double fr = 0, fi = 0;
                        for (var y = 0; y < height; y++)
                        {
                            double r = re[y * vCount + v], m = im[y * vCount + v];
                            fr += r * cos[y] - m * sin[y];
                            fi += r * sin[y] + m * cos[y];
                        }
                        o[(ch * us + u) * vCount + v] = Math.Sqrt(fr * fr + fi * fi) * scale;
                    }
                }
            }
            return buffers;
        }, _ => { });
        return output;
    }

    private static (double[] Cos, double[] Sin) Twiddles(int n, int[] frequencies)
    {
        var cos = new double[frequencies.Length * n];
        var sin = new double[frequencies.Length * n];
        for (var f = 0; f < frequencies.Length; f++)
            for (var t = 0; t < n; t++)
            {
                var angle = -2 * Math.PI * frequencies[f] * t / n;
                cos[f * n + t] = Math.Cos(angle);
                sin[f * n + t] = Math.Sin(angle);
            }
        return (cos, sin);
    }

    /// <summary>The smallest RMS difference between <paramref name="a"/> and <paramref name="b"/> shifted by up to
    /// <paramref name="maxShift"/> pixels on each axis, over the overlapping region.</summary>
    internal static double ShiftTolerantDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int channels, int height, int width, int maxShift)
    {
        var best = double.PositiveInfinity;
        for (var dy = -maxShift; dy <= maxShift; dy++)
            for (var dx = -maxShift; dx <= maxShift; dx++)
            {
                double sum = 0;
                long n = 0;
                int y0 = Math.Max(0, -dy), y1 = Math.Min(height, height - dy), x0 = Math.Max(0, -dx), x1 = Math.Min(width, width - dx);
                if (y1 <= y0 || x1 <= x0) continue;
                for (var ch = 0; ch < channels; ch++)
                    for (var y = y0; y < y1; y++)
                    {
                        var rowA = a.Slice((ch * height + y) * width, width);
                        var rowB = b.Slice((ch * height + y + dy) * width, width);
                        for (var x = x0; x < x1; x++)
                        {
                            var d = (double)rowA[x] - rowB[x + dx];
                            sum += d * d;
                        }
                        n += x1 - x0;
                    }
                best = Math.Min(best, Math.Sqrt(sum / n));
            }
        return best;
    }
}
