namespace HardSamples.GpuRunner.Training;

/// <summary>
/// Deterministic shuffles: the order of epoch <c>e</c> depends only on (seed, stream, e, n), so a resumed job
/// replays exactly the orders an uninterrupted one would have used. Fisher–Yates driven by SplitMix64.
/// </summary>
public static class EpochPermutation
{
    /// <summary>A permutation of 0..n−1 for one epoch.</summary>
    /// <param name="seed">The job seed.</param>
    /// <param name="epoch">0-based epoch (or any step counter).</param>
    /// <param name="n">Length.</param>
    /// <param name="stream">Separates independent uses within a job (e.g. SSFT phases).</param>
    public static long[] Create(int seed, int epoch, int n, int stream = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var state = SplitMix.Finalize(((ulong)(uint)seed << 32) ^ (ulong)(uint)epoch ^ ((ulong)(uint)stream << 48) ^ SplitMix.Increment);
        var perm = new long[n];
        for (var i = 0; i < n; i++) perm[i] = i;
        for (var i = n - 1; i > 0; i--)
        {
            state += SplitMix.Increment;
            var j = (long)(SplitMix.Finalize(state) % (ulong)(i + 1));
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        return perm;
    }
}
