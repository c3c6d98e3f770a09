namespace HardSamples.Shared.Corruption;

/// <summary>
/// What to inject while preparing a dataset, all seeded. Counts derive from the source count n:
/// mixtures use the seed's <c>len_aug = int(MixRate·n)</c> made even (len_aug/2 mixtures replace len_aug images);
/// flips and near-duplicates use round(rate·n).
/// </summary>
/// <param name="MixRate">Fraction of the source consumed by mixtures (the seed: 0.1). 0 keeps the source order.</param>
/// <param name="FlipRate">Fraction of samples whose observed label is flipped to another class (SSFT notebook: 0.001).</param>
/// <param name="DuplicateRate">Fraction of near-duplicates appended (copies of clean samples with noise/shift).</param>
/// <param name="Seed">Master seed (the seed: 91). Mixtures use <c>np.random.seed(Seed)</c>; other draws use
/// <c>RandomState([Seed, stream])</c> with the stream numbers in <see cref="RandomStreams"/>.</param>
/// <param name="DuplicateNoiseStd">Gaussian noise σ added to a duplicate, in [0,1] pixel units.</param>
/// <param name="DuplicateMaxShift">Largest shift in pixels (each axis, uniform in [−s, s]) applied to a duplicate.</param>
public sealed record CorruptionSettings(
    double MixRate = 0.1,
    double FlipRate = 0.001,
    double DuplicateRate = 0.01,
    uint Seed = 91,
    double DuplicateNoiseStd = 0.02,
    int DuplicateMaxShift = 1)
{
    /// <summary>The seed's divisor for mixtures: (x₁+x₂)/1.58.</summary>
    public const float MixtureDivisor = 1.58f;

    /// <summary>No corruption at all (source order kept).</summary>
    public static CorruptionSettings None { get; } = new(0, 0, 0);

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad setting.</summary>
    public void Validate()
    {
        Check(MixRate, nameof(MixRate), 1.0);
        Check(FlipRate, nameof(FlipRate), 1.0);
        Check(DuplicateRate, nameof(DuplicateRate), 1.0);
        if (!double.IsFinite(DuplicateNoiseStd) || DuplicateNoiseStd < 0)
            throw new ArgumentException($"DuplicateNoiseStd must be a finite value ≥ 0, got {DuplicateNoiseStd}.");
        if (DuplicateMaxShift is < 0 or > 8)
            throw new ArgumentException($"DuplicateMaxShift must be in [0, 8], got {DuplicateMaxShift}.");
    }

    private static void Check(double rate, string name, double max)
    {
        if (!double.IsFinite(rate) || rate < 0 || rate > max)
            throw new ArgumentException($"{name} must be in [0, {max}], got {rate}.");
    }
}

/// <summary>Stream numbers of the seeded generators (<c>RandomState([seed, stream])</c>), so each draw is independent.</summary>
public static class RandomStreams
{
    /// <summary>Which samples are duplicated, and their noise and shift.</summary>
    public const uint NearDuplicates = 1;
    /// <summary>Which labels are flipped and to which class.</summary>
    public const uint LabelFlips = 2;
    /// <summary>SSFT halves.</summary>
    public const uint Halves = 3;
    /// <summary>The held-out test split.</summary>
    public const uint TestSplit = 4;
    /// <summary>Pixel noise of near-duplicates.</summary>
    public const uint NearDuplicateNoise = 5;

    /// <summary>The generator for <paramref name="stream"/> under <paramref name="seed"/>.</summary>
    public static Mt19937 Create(uint seed, uint stream) => Mt19937.FromKey(seed, stream);
}
