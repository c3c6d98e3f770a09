namespace HardSamples.Shared.Ranking;

/// <summary>What the second-split-forgetting times say about a sample.</summary>
public enum SsftCategory
{
    /// <summary>No SSFT times for this sample.</summary>
    Unknown,
    /// <summary>Learnt early and forgotten late or never: an ordinary sample.</summary>
    Typical,
    /// <summary>Learnt late (or never) but forgotten late or never: hard to learn yet consistent with its class (rare, atypical).</summary>
    Atypical,
    /// <summary>Learnt late (or never) and forgotten early: only memorised, contradicted by the rest of its class.</summary>
    Mislabeled,
    /// <summary>Learnt early yet forgotten early: fits its label at first but flips as soon as other data arrive (mixed, ambiguous).</summary>
    Ambiguous,
}

/// <summary>How the learning and forgetting thresholds are chosen from the data.</summary>
public enum SsftThresholdRule
{
    /// <summary>Otsu's two-class split (exact 1-D 2-means) of the learnt samples' learning times and of the forgotten samples' forgetting times.</summary>
    Otsu,
    /// <summary>Quantiles of the same two distributions (<see cref="SsftOptions.LearnQuantile"/>, <see cref="SsftOptions.ForgetQuantile"/>).</summary>
    Quantile,
}

/// <summary>Settings of the SSFT categorisation.</summary>
public sealed record SsftOptions
{
    /// <summary>Threshold rule.</summary>
    public SsftThresholdRule Rule { get; init; } = SsftThresholdRule.Otsu;

    /// <summary>Quantile rule: learning times above this quantile of the learnt samples are late.</summary>
    public double LearnQuantile { get; init; } = 0.8;

    /// <summary>Quantile rule: forgetting times at or below this quantile of the forgotten samples are early.</summary>
    public double ForgetQuantile { get; init; } = 0.2;
}

/// <summary>The thresholds that were used.</summary>
/// <param name="LearnLate">Learning time strictly above this is "late" (never learnt is always late).</param>
/// <param name="ForgetEarly">Forgetting time at or below this is "early" (never forgotten is never early).</param>
/// <param name="Rule">Rule that chose them.</param>
/// <param name="LearntCount">Samples with a learning time.</param>
/// <param name="ForgottenCount">Samples with a forgetting time.</param>
public sealed record SsftThresholds(double LearnLate, double ForgetEarly, SsftThresholdRule Rule, int LearntCount, int ForgottenCount);

/// <summary>Categories per sample plus the normalised times (never = +∞, unknown = NaN).</summary>
public sealed record SsftCategorization(SsftCategory[] Categories, double[] LearnTime, double[] ForgetTime, SsftThresholds Thresholds)
{
    /// <summary>Number of samples in each category.</summary>
    public IReadOnlyDictionary<SsftCategory, int> Counts =>
        Enum.GetValues<SsftCategory>().ToDictionary(c => c, c => Categories.Count(x => x == c));
}

/// <summary>
/// SSFT categories from learning and forgetting times (Maini et al. 2022, "Characterizing datapoints via
/// second-split forgetting"). Two thresholds come from the data, never from fixed step counts:
/// <list type="bullet">
/// <item>learning: among samples that were learnt, the time that splits them into an early and a late group
/// (Otsu by default); a never-learnt sample is late;</item>
/// <item>forgetting: among samples that were forgotten, the time that splits them into an early and a late group;
/// a never-forgotten sample is not early.</item>
/// </list>
/// Then: early-learnt ∧ not-early-forgotten → typical; late ∧ not-early → atypical/rare; late ∧ early → mislabeled;
/// early-learnt ∧ early-forgotten → ambiguous. Samples without times are Unknown.
/// </summary>
public static class SsftCategorizer
{
    /// <summary>Gap the seed's never-forgotten sentinel keeps above every real value (max + 10000).</summary>
    public const double SentinelGap = 10000;

    /// <summary>
    /// Learning times as stored: −1 (any negative) = never learnt → +∞; NaN = unknown.
    /// </summary>
    public static double[] NormalizeLearning(ReadOnlySpan<double> steps)
    {
        var t = new double[steps.Length];
        for (var i = 0; i < steps.Length; i++) t[i] = double.IsNaN(steps[i]) ? double.NaN : steps[i] < 0 ? double.PositiveInfinity : steps[i];
        return t;
    }

    /// <summary>
    /// Forgetting times as stored: negative = never forgotten, and so is the seed's sentinel (the column maximum when it
    /// lies exactly <see cref="SentinelGap"/> above the next lower value, −1 counted); both → +∞. NaN = unknown.
    /// </summary>
    public static double[] NormalizeForgetting(ReadOnlySpan<double> steps)
    {
        double max = double.NegativeInfinity;
        foreach (var v in steps) if (!double.IsNaN(v) && v > max) max = v;
        double next = -1;
        foreach (var v in steps) if (!double.IsNaN(v) && v < max && v > next) next = v;
        var sentinel = max >= SentinelGap - 1 && max - next == SentinelGap ? max : double.NaN;
        var t = new double[steps.Length];
        for (var i = 0; i < steps.Length; i++)
        {
            var v = steps[i];
            t[i] = double.IsNaN(v) ? double.NaN : v < 0 || v == sentinel ? double.PositiveInfinity : v;
        }
        return t;
    }

    /// <summary>
    /// Times with "never" taken from epoch columns (epoch −1 = never, as <c>SsftTimes</c> writes them) rather than from the
    /// step values; needed when the step column carries several sentinels (one per SSFT direction). NaN epoch or step = unknown.
    /// </summary>
    public static double[] NormalizeWithEpochs(ReadOnlySpan<double> steps, ReadOnlySpan<double> epochs)
    {
        if (steps.Length != epochs.Length) throw new ArgumentException($"Steps ({steps.Length}) and epochs ({epochs.Length}) differ in length.");
        var t = new double[steps.Length];
        for (var i = 0; i < steps.Length; i++)
            t[i] = double.IsNaN(steps[i]) || double.IsNaN(epochs[i]) ? double.NaN : epochs[i] < 0 || steps[i] < 0 ? double.PositiveInfinity : steps[i];
        return t;
    }

    /// <summary>
    /// Categorises samples from stored learning/forgetting steps. "Never" comes from the epoch columns when given
    /// (<see cref="NormalizeWithEpochs"/>), else from the steps (<see cref="NormalizeLearning"/>, <see cref="NormalizeForgetting"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ or a quantile is outside [0, 1].</exception>
    public static SsftCategorization Categorize(ReadOnlySpan<double> learnSteps, ReadOnlySpan<double> forgetSteps, SsftOptions? options = null,
        double[]? learnEpochs = null, double[]? forgetEpochs = null)
    {
        options ??= new SsftOptions();
        if (learnSteps.Length != forgetSteps.Length)
            throw new ArgumentException($"Learning times ({learnSteps.Length}) and forgetting times ({forgetSteps.Length}) differ in length.");
        if (options.LearnQuantile is < 0 or > 1 || options.ForgetQuantile is < 0 or > 1)
            throw new ArgumentException($"SSFT quantiles must be in [0, 1] (learn {options.LearnQuantile}, forget {options.ForgetQuantile}).", nameof(options));
        var learn = learnEpochs is null ? NormalizeLearning(learnSteps) : NormalizeWithEpochs(learnSteps, learnEpochs);
        var forget = forgetEpochs is null ? NormalizeForgetting(forgetSteps) : NormalizeWithEpochs(forgetSteps, forgetEpochs);
        // only samples with both times known shape the thresholds
        var learnt = learn.Where((v, i) => double.IsFinite(v) && !double.IsNaN(forget[i])).ToArray();
        var forgotten = forget.Where((v, i) => double.IsFinite(v) && !double.IsNaN(learn[i])).ToArray();
        var (tLearn, tForget) = options.Rule switch
        {
            SsftThresholdRule.Otsu => (RankMath.OtsuThreshold(learnt), RankMath.OtsuThreshold(forgotten)),
            SsftThresholdRule.Quantile => (RankMath.Quantile(learnt, options.LearnQuantile), RankMath.Quantile(forgotten, options.ForgetQuantile)),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Rule, "Unknown threshold rule."),
        };
        var categories = new SsftCategory[learn.Length];
        for (var i = 0; i < learn.Length; i++)
        {
            if (double.IsNaN(learn[i]) || double.IsNaN(forget[i])) { categories[i] = SsftCategory.Unknown; continue; }
            var late = !(learn[i] <= tLearn);          // +∞ (never learnt) and an empty learnt set both count as late
            var early = forget[i] <= tForget;           // +∞ (never forgotten) is never early; NaN threshold → false
            categories[i] = (late, early) switch
            {
                (false, false) => SsftCategory.Typical,
                (true, false) => SsftCategory.Atypical,
                (true, true) => SsftCategory.Mislabeled,
                (false, true) => SsftCategory.Ambiguous,
            };
        }
        return new SsftCategorization(categories, learn, forget, new SsftThresholds(tLearn, tForget, options.Rule, learnt.Length, forgotten.Length));
    }

    /// <summary>Lower-case name written to <c>ranking.csv</c> (empty for Unknown).</summary>
    public static string Name(SsftCategory category) => category switch
    {
        SsftCategory.Unknown => "",
        SsftCategory.Typical => "typical",
        SsftCategory.Atypical => "atypical",
        SsftCategory.Mislabeled => "mislabeled",
        SsftCategory.Ambiguous => "ambiguous",
        _ => throw new ArgumentOutOfRangeException(nameof(category)),
    };

    /// <summary>Parses a name written by <see cref="Name"/> (also accepts <c>rare</c> for atypical).</summary>
    public static SsftCategory Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "" or "unknown" => SsftCategory.Unknown,
        "typical" => SsftCategory.Typical,
        "atypical" or "rare" => SsftCategory.Atypical,
        "mislabeled" => SsftCategory.Mislabeled,
        "ambiguous" => SsftCategory.Ambiguous,
        var t => throw new InvalidDataException($"Unknown SSFT category '{t}'."),
    };
}
