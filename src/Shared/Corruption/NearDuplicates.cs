namespace HardSamples.Shared.Corruption;

/// <summary>One planned near-duplicate: a copy of prepared sample <paramref name="Original"/> shifted by (Dx, Dy).</summary>
/// <param name="Original">Prepared sample index that is copied (the partner).</param>
/// <param name="Dx">Horizontal shift in pixels (positive = right).</param>
/// <param name="Dy">Vertical shift in pixels (positive = down).</param>
public readonly record struct NearDuplicate(int Original, int Dx, int Dy);

/// <summary>
/// Near-duplicates for proving redundancy detection: a copy of a clean sample, shifted by up to
/// <see cref="CorruptionSettings.DuplicateMaxShift"/> pixels (edges replicated) plus Gaussian pixel noise, clipped to [0,1].
/// </summary>
public static class NearDuplicates
{
    /// <summary>Chooses <paramref name="count"/> distinct originals among <paramref name="candidates"/> and their shifts.</summary>
    public static IReadOnlyList<NearDuplicate> Plan(IReadOnlyList<int> candidates, int count, int maxShift, Mt19937 rng)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(rng);
        if (count == 0) return [];
        if (count > candidates.Count)
            throw new ArgumentException($"Cannot make {count} near-duplicates: only {candidates.Count} samples are eligible.");
        var pool = candidates.ToArray();
        rng.Shuffle<int>(pool);
        var originals = pool.AsSpan(0, count).ToArray();
        Array.Sort(originals);
        var result = new NearDuplicate[count];
        for (var i = 0; i < count; i++)
        {
            var dx = (int)rng.RandomInterval((uint)(2 * maxShift)) - maxShift;
            var dy = (int)rng.RandomInterval((uint)(2 * maxShift)) - maxShift;
            result[i] = new NearDuplicate(originals[i], dx, dy);
        }
        return result;
    }

    /// <summary>
    /// Renders a duplicate in [0,1] pixel units: dst[c,y,x] = clip(src[c, clamp(y−dy), clamp(x−dx)] + σ·N(0,1), 0, 1),
    /// noise drawn in C order from <paramref name="rng"/>.
    /// </summary>
    public static void Render(ReadOnlySpan<float> source, Span<float> dst, int channels, int height, int width, NearDuplicate dup, double noiseStd, Mt19937 rng)
    {
        var plane = height * width;
        if (source.Length != channels * plane || dst.Length != source.Length)
            throw new ArgumentException("Image buffers do not match the given shape.");
        for (var c = 0; c < channels; c++)
        {
            for (var y = 0; y < height; y++)
            {
                var sy = Math.Clamp(y - dup.Dy, 0, height - 1);
                for (var x = 0; x < width; x++)
                {
                    var sx = Math.Clamp(x - dup.Dx, 0, width - 1);
                    var v = source[c * plane + sy * width + sx] + (noiseStd > 0 ? noiseStd * rng.NextGaussian() : 0.0);
                    dst[c * plane + y * width + x] = (float)Math.Clamp(v, 0.0, 1.0);
                }
            }
        }
    }
}
