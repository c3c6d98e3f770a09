namespace HardSamples.Shared.Metrics;

/// <summary>
/// The per-epoch base series of one sample (golden README, "Base series"), in float64 from float32 inputs:
/// entropy H = −Σ p ln p with p = emb/Σemb (0·ln 0 = 0), L2 = ‖emb‖₂, and the adjacent-epoch distances
/// dif_L1 = ‖emb[t+1]−emb[t]‖₁, dif_L2 = ‖emb[t+1]−emb[t]‖₂.
/// </summary>
public static class SeriesMetrics
{
    /// <summary>
    /// SciPy's <c>entropy(pk)</c> of a non-negative vector. An all-zero vector has no mass and gets 0 (SciPy would
    /// give NaN).
    /// </summary>
    /// <exception cref="InvalidDataException">A negative or non-finite entry (entropy needs non-negative weights, e.g. sigmoid outputs).</exception>
    public static double Entropy(ReadOnlySpan<float> embedding)
    {
        var sum = 0.0;
        foreach (var v in embedding)
        {
            if (!(v >= 0) || float.IsPositiveInfinity(v))
                throw new InvalidDataException($"Entropy needs non-negative finite embedding values (sigmoid outputs); got {v}.");
            sum += v;
        }
        if (sum == 0) return 0;
        var h = 0.0;
        foreach (var v in embedding)
        {
            if (v == 0) continue;
            var p = v / sum;
            h -= p * Math.Log(p);
        }
        return h;
    }

    /// <summary>Euclidean norm.</summary>
    public static double L2(ReadOnlySpan<float> embedding)
    {
        var s = 0.0;
        foreach (var v in embedding) s += (double)v * v;
        return Math.Sqrt(s);
    }

    /// <summary>‖b − a‖₁.</summary>
    public static double DiffL1(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var s = 0.0;
        for (var d = 0; d < a.Length; d++) s += Math.Abs((double)b[d] - a[d]);
        return s;
    }

    /// <summary>‖b − a‖₂.</summary>
    public static double DiffL2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var s = 0.0;
        for (var d = 0; d < a.Length; d++)
        {
            var t = (double)b[d] - a[d];
            s += t * t;
        }
        return Math.Sqrt(s);
    }
}
