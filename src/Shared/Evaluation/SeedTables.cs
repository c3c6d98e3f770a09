namespace HardSamples.Shared.Evaluation;

/// <summary>The machine the runs were measured on (stored as <c>machine.json</c> in the runs folder).</summary>
public sealed record MachineInfo(int Nproc, string Cpu, string Date, string Os);

/// <summary>
/// One job of a run: what was asked for and what the stored arrays and result.json say happened. EpochsRequested is
/// the settings file's per-phase epochs (−1 unknown); EpochsRun is what the stored arrays hold (SSFT: learn + forget);
/// Batch is the mini-batch size asked for (−1 unknown).
/// </summary>
public sealed record RunInfoRow(string Run, string Job, string Probe, int Samples, int EpochsRequested, string EpochsRun,
    int Seed, string Arch, int Batch, double WallSeconds, string Device, string FinishedAt)
{
    /// <summary>Epochs the stored arrays hold (AE: the count; SSFT: learn + forget); 0 when not a number of epochs.</summary>
    public int EpochCount => EpochsRun.Split('+').Sum(p => int.TryParse(new string(p.Trim().TakeWhile(char.IsDigit).ToArray()), out var e) ? e : 0);
}

/// <summary>SRCC and oriented AUC of one metric against a binary injected-kind target.</summary>
public sealed record MetricSeparationRow(string Run, string Metric, string Target, int Positives, int Count, double Srcc, double AucOriented);

/// <summary>Detection of injected label flips by one SSFT-based score (larger = more suspicious).</summary>
public sealed record SsftDetectionRow(string Run, double FlipRate, int Flips, int Samples, string Score, double Auc);

/// <summary>The SSFT "mislabeled" category against the injected flips (FlaggedMixtures: flagged samples that are injected mixtures).</summary>
public sealed record SsftCategoryRow(string Run, double FlipRate, int Flips, int Samples, int Flagged, int Caught,
    double Precision, double Recall, double LearnLate, double ForgetEarly, int Ambiguous, int Atypical, int FlaggedMixtures);

/// <summary>SRCC of one AE metric with an SSFT time (learning or forgetting step, never = +∞).</summary>
public sealed record AeSsftRow(string Run, string Metric, string Time, int Count, double Srcc);

/// <summary>Mixture AUC of the per-sample AE loss at one recorded epoch (how separation grows with training).</summary>
public sealed record LossAucRow(string Run, int Epoch, double Auc);

/// <summary>Everything the seed-tables report shows; each list is one summary CSV.</summary>
public sealed record SeedTables(
    MachineInfo? Machine,
    IReadOnlyList<RunInfoRow> Runs,
    IReadOnlyList<MetricSeparationRow> Separation,
    IReadOnlyList<SsftDetectionRow> Detection,
    IReadOnlyList<SsftCategoryRow> Categories,
    IReadOnlyList<AeSsftRow> AeSsft,
    IReadOnlyList<LossAucRow> LossAuc);
