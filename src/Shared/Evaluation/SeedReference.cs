namespace HardSamples.Shared.Evaluation;

/// <summary>
/// Figures the seed project published (MNIST, 10 % mixed images, 600 epochs), mapped to this engine's column names
/// (golden README "Mapping to the original column names").
/// </summary>
public static class SeedReference
{
    /// <summary>|SRCC| with the mixture label, by our column name (seed name in the comment).</summary>
    public static IReadOnlyDictionary<string, double> MixtureAbsSrcc { get; } = new Dictionary<string, double>
    {
        ["loss__last"] = 0.3826,          // loss_last
        ["loss__mean_from_50"] = 0.3801,  // loss_mean_from_50
        ["H__mean_from_0"] = 0.2524,      // H_mean_from_0
        ["LID_TLE__mean_from_10"] = 0.2403, // LID_mean_from_10 (all TLE snapshots)
        ["H__last"] = 0.2285,             // H_last
    };

    /// <summary>Seed's column name for one of ours (for the report).</summary>
    public static IReadOnlyDictionary<string, string> SeedName { get; } = new Dictionary<string, string>
    {
        ["loss__last"] = "loss_last",
        ["loss__mean_from_50"] = "loss_mean_from_50",
        ["H__mean_from_0"] = "H_mean_from_0",
        ["LID_TLE__mean_from_10"] = "LID_mean_from_10",
        ["H__last"] = "H_last",
    };

    /// <summary>The seed's largest |SRCC| of an AE metric with the SSFT learning/forgetting times.</summary>
    public const double AeSsftMaxAbsSrcc = 0.11;

    /// <summary>The seed's SSFT result: flipped labels, caught among the flagged "mislabeled", flagged.</summary>
    public const int SeedFlips = 60, SeedCaught = 59, SeedFlagged = 129;

    /// <summary>The seed's epochs per AE run.</summary>
    public const int SeedEpochs = 600;

    /// <summary>Largest |SRCC| a score can reach with a binary target holding a fraction p of positives: √(3p(1−p)).</summary>
    public static double MaxAbsSrcc(double positiveFraction) =>
        positiveFraction is <= 0 or >= 1
            ? throw new ArgumentOutOfRangeException(nameof(positiveFraction), positiveFraction, "The positive fraction must be in (0, 1).")
            : Math.Sqrt(3 * positiveFraction * (1 - positiveFraction));
}
