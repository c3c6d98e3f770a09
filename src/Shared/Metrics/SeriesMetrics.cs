namespace HardSamples.Shared.Metrics;

/// <summary>
/// The per-epoch base series of one sample (golden README, "Base series"), in float64 from float32 inputs:
/// entropy H = −Σ p ln p with p = emb/Σemb (0·ln 0 = 0), L2 = ‖emb‖₂, and the adjacent-epoch distances
/// dif_L1 = ‖emb[t+1]−emb[t]‖₁, dif_L2 = ‖emb[t+1]−emb[t]‖₂. Sums over the embedding use NumPy's pairwise
/// summation so values agree with SciPy/NumPy to the last bit in most cases.
/// </summary>
public static class SeriesMetrics
{
    /// <summary>Largest embedding dimension handled without a heap allocation.</summary>
    private const int StackLimit = 256;

    /// <summary>
    /// SciPy's <c>entropy(pk)</c> of a non-negative vector. An all-zero vector has no mass and gets 0 (SciPy would
    /// give NaN).
    /// </summary>
    /// <exception cref="InvalidDataException">A negative or non-finite entry (entropy needs non-negative weights, e.g. sigmoid outputs).</exception>
    public static double Entropy(ReadOnlySpan<float> embedding)
    {
        Span<double> buffer = embedding.Length <= StackLimit ? stackalloc double[embedding.Length] : new double[embedding.Length];
        for (var d = 0; d < embedding.Length; d++)
        {
            var v = embedding[d];
            if (!(v >= 0) || float.IsPositiveInfinity(v))
                throw new InvalidDataException($"Entropy needs non-negative finite embedding values (sigmoid outputs); got {v}.");
            buffer[d] = v;
        }
        var sum = PairwiseSum.Of(buffer);
        if (sum == 0) return 0;
        for (var d = 0; d < buffer.Length; d++)
        {
            var p = buffer[d] / sum;
            buffer[d] = p == 0 ? 0 : -(p * Math.Log(p));
        }
        return PairwiseSum.Of(buffer);
    }

    /// <summary>Euclidean norm.</summary>
    public static double L2(ReadOnlySpan<float> embedding)
    {
        Span<double> buffer = embedding.Length <= StackLimit ? stackalloc double[embedding.Length] : new double[embedding.Length];
        for (var d = 0; d < embedding.Length; d++)
        {
            double v = embedding[d];
            buffer[d] = v * v;
        }
        return Math.Sqrt(PairwiseSum.Of(buffer));
    }

    /// <summary>‖b − a‖₁.</summary>
    public static double DiffL1(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Span<double> buffer = a.Length <= StackLimit ? stackalloc double[a.Length] : new double[a.Length];
        for (var d = 0; d < a.Length; d++) buffer[d] = Math.Abs((double)b[d] - a[d]);
        return PairwiseSum.Of(buffer);
    }

    /// <summary>‖b − a‖₂.</summary>
    public static double DiffL2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Span<double> buffer = a.Length <= StackLimit ? stackalloc double[a.Length] : new double[a.Length];
        for (var d = 0; d < a.Length; d++)
        {
            var t = (double)b[d] - a[d];
            buffer[d] = t * t;
        }
        return Math.Sqrt(PairwiseSum.Of(buffer));
    }
}

/// <summary>NumPy's pairwise summation of a contiguous float64 array (<c>pairwise_sum_DOUBLE</c>, 8 accumulators, blocks of 128).</summary>
public static class PairwiseSum
{
    private const int BlockSize = 128;

    /// <summary>Σ values, in NumPy's order.</summary>
    public static double Of(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        if (n < 8)
        {
            var s = 0.0;
            foreach (var v in values) s += v;
            return s;
        }
        if (n <= BlockSize)
        {
            double r0 = values[0], r1 = values[1], r2 = values[2], r3 = values[3], r4 = values[4], r5 = values[5], r6 = values[6], r7 = values[7];
            var i = 8;
            for (; i < n - n % 8; i += 8)
            {
                r0 += values[i];
                r1 += values[i + 1];
                r2 += values[i + 2];
                r3 += values[i + 3];
                r4 += values[i + 4];
                r5 += values[i + 5];
                r6 += values[i + 6];
                r7 += values[i + 7];
            }
            var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) res += values[i];
            return res;
        }
        var half = n / 2;
        half -= half % 8;
        return Of(values[..half]) + Of(values[half..]);
    }
}
