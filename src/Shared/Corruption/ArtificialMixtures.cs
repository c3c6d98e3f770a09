namespace HardSamples.Shared.Corruption;

/// <summary>
/// The seed's "artificial label" layout (<c>MNIST_w_imagesums</c>): perm = legacy shuffle of arange(n) with seed s;
/// len_aug = int(rate·n) made even; the dataset is perm[:n − len_aug/2] in that order, and positions
/// p ∈ [n − len_aug, n − len_aug/2) are mixtures of perm[p] and perm[p + len_aug/2].
/// </summary>
/// <param name="SourceCount">n.</param>
/// <param name="Order">Source index of each dataset position (the first source for a mixture); length n − len_aug/2.</param>
/// <param name="MixtureStart">First mixture position (n − len_aug).</param>
/// <param name="MixtureCount">len_aug/2.</param>
/// <param name="Partner">Second source index for mixture positions, −1 elsewhere; length as <paramref name="Order"/>.</param>
public sealed record MixturePlan(int SourceCount, int[] Order, int MixtureStart, int MixtureCount, int[] Partner)
{
    /// <summary>Dataset size after mixing (n − len_aug/2).</summary>
    public int Count => Order.Length;

    /// <summary>True for a mixture position.</summary>
    public bool IsMixture(int position) => position >= MixtureStart && position < MixtureStart + MixtureCount;
}

/// <summary>Builds <see cref="MixturePlan"/>s and mixes normalised images.</summary>
public static class ArtificialMixtures
{
    /// <summary>The seed's len_aug: int(rate·n), made even (rounded down).</summary>
    public static int AugmentedLength(int n, double rate)
    {
        var lenAug = (int)(rate * n);
        return lenAug - (lenAug % 2);
    }

    /// <summary>
    /// The plan for <paramref name="n"/> source images. With rate 0 the source order is kept (no shuffle);
    /// otherwise the seed's shuffled order, bit for bit.
    /// </summary>
    public static MixturePlan Plan(int n, double rate, uint seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        if (!double.IsFinite(rate) || rate < 0 || rate > 1)
            throw new ArgumentException($"Mixture rate must be in [0, 1], got {rate}.", nameof(rate));
        var lenAug = AugmentedLength(n, rate);
        if (lenAug == 0)
        {
            var identity = new int[n];
            for (var i = 0; i < n; i++) identity[i] = i;
            return new MixturePlan(n, identity, n, 0, Enumerable.Repeat(-1, n).ToArray());
        }
        var perm = Mt19937.LegacyPermutation(n, seed);
        var half = lenAug / 2;
        var count = n - half;
        var order = perm.AsSpan(0, count).ToArray();
        var partner = new int[count];
        Array.Fill(partner, -1);
        var start = n - lenAug;
        for (var p = start; p < start + half; p++) partner[p] = perm[p + half];
        return new MixturePlan(n, order, start, half, partner);
    }

    /// <summary>dst = (a + b) / 1.58 in float32, element by element (the seed's mixture of two normalised images).</summary>
    public static void Mix(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst)
    {
        if (a.Length != b.Length || dst.Length != a.Length)
            throw new ArgumentException("Mixture inputs and output must have the same length.");
        for (var i = 0; i < dst.Length; i++) dst[i] = (a[i] + b[i]) / CorruptionSettings.MixtureDivisor;
    }
}
