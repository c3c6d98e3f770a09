using HardSamples.Workflow.Jobs;

namespace HardSamples.Workflow;

/// <summary>Checks a <see cref="RunRequest"/> before anything is scheduled; every problem is named.</summary>
public static class RunRequestValidator
{
    /// <summary>Largest accepted epochs per probe.</summary>
    public const int MaxEpochs = 10_000;

    /// <summary>Largest accepted <see cref="RunRequest.TestFraction"/>: at least half of the samples stay for the probes.</summary>
    public const double MaxTestFraction = 0.5;

    /// <summary>Every problem of <paramref name="request"/> (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(RunRequest request)
    {
        var errors = new List<string>();
        if (request.RunId is not null && !RunIds.IsValid(request.RunId))
            errors.Add($"runId '{Printable(request.RunId)}' is invalid: use 3–{RunIds.MaxLength} lower-case letters, digits or '-', starting and ending with a letter or digit.");
        if (string.IsNullOrWhiteSpace(request.Dataset)) errors.Add("dataset is empty.");
        else if (request.Dataset.Length > 1024) errors.Add("dataset reference is longer than 1024 characters.");
        if (request.MaxSamples is < 100) errors.Add($"maxSamples {request.MaxSamples} is below 100.");
        if (!double.IsFinite(request.TestFraction) || request.TestFraction < 0 || request.TestFraction > MaxTestFraction)
            errors.Add($"testFraction {request.TestFraction} is outside [0, {MaxTestFraction}] (the share of samples held out as the test split; 0 = none).");
        if (request.Seed < 0) errors.Add("seed is negative.");
        if (request.Probes is null || request.Probes.Count == 0) errors.Add("probes is empty; choose from " + string.Join(", ", JobPlanner.KnownProbes) + ".");
        else
        {
            foreach (var p in request.Probes.Where(p => !JobPlanner.KnownProbes.Contains(p)))
                errors.Add($"probe '{Printable(p ?? "")}' is unknown; choose from {string.Join(", ", JobPlanner.KnownProbes)}.");
        }
        if (request.Epochs is < 1 or > MaxEpochs) errors.Add($"epochs {request.Epochs} is outside [1, {MaxEpochs}].");
        if (request.AutoencoderBatchSize is < 1 or > 65_536) errors.Add($"autoencoderBatchSize {request.AutoencoderBatchSize} is outside [1, 65536].");
        if (request.SsftEpochs is < 1 or > MaxEpochs) errors.Add($"ssftEpochs {request.SsftEpochs} is outside [1, {MaxEpochs}].");
        if (request.SsftArchitecture is not ("seed" or "lenet")) errors.Add($"ssftArchitecture '{Printable(request.SsftArchitecture ?? "")}' is not seed or lenet.");
        if (request.SsftEvalsPerEpoch is < 2 or > 50) errors.Add($"ssftEvalsPerEpoch {request.SsftEvalsPerEpoch} is outside [2, 50].");
        if (request.ShardSize is < 100 or > 1_000_000) errors.Add($"shardSize {request.ShardSize} is outside [100, 1000000].");
        if (request.MetricJobThreshold < 0) errors.Add("metricJobThreshold is negative.");
        var c = request.Corruption;
        if (c is null) errors.Add("corruption is null.");
        else
        {
            Fraction(errors, "corruption.mixRate", c.MixRate);
            Fraction(errors, "corruption.flipRate", c.FlipRate);
            Fraction(errors, "corruption.duplicateRate", c.DuplicateRate);
            if (c.MixRate + c.FlipRate + c.DuplicateRate > 0.6)
                errors.Add("corruption rates add up to more than 0.6.");
            if (c.Seed < 0) errors.Add("corruption.seed is negative.");
        }
        var w = request.Wait;
        if (w is null) errors.Add("wait is null.");
        else
        {
            if (w.PollInterval < TimeSpan.FromSeconds(1) || w.PollInterval > TimeSpan.FromHours(1)) errors.Add("wait.pollInterval is outside [1 s, 1 h].");
            if (w.Timeout < TimeSpan.FromSeconds(1) || w.Timeout > TimeSpan.FromDays(7)) errors.Add("wait.timeout is outside [1 s, 7 days].");
            if (w.MaxAttempts is < 1 or > 10) errors.Add($"wait.maxAttempts {w.MaxAttempts} is outside [1, 10].");
        }
        var r = request.Retry;
        if (r is null) errors.Add("retry is null.");
        else
        {
            if (r.MaxAttempts is < 1 or > 10) errors.Add($"retry.maxAttempts {r.MaxAttempts} is outside [1, 10].");
            if (r.FirstRetryInterval <= TimeSpan.Zero || r.FirstRetryInterval > TimeSpan.FromHours(1)) errors.Add("retry.firstRetryInterval is outside (0, 1 h].");
        }
        if (request.ProbeExtra is { Count: > 64 }) errors.Add("probeExtra has more than 64 entries.");
        return errors;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem.</summary>
    public static void ThrowIfInvalid(RunRequest request)
    {
        var errors = Validate(request);
        if (errors.Count > 0) throw new ArgumentException("Invalid run request: " + string.Join(" ", errors));
    }

    private static void Fraction(List<string> errors, string name, double value)
    {
        if (!double.IsFinite(value) || value < 0 || value > 0.5) errors.Add($"{name} {value} is outside [0, 0.5].");
    }

    private static string Printable(string s)
    {
        var shown = s.Length > 80 ? s[..80] + "…" : s;
        return new string(shown.Select(ch => char.IsControl(ch) ? '?' : ch).ToArray());
    }
}
