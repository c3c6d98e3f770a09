using HardSamples.Shared.Contracts;

namespace HardSamples.Workflow;

/// <summary>
/// What one run should do: the dataset, the probes, their epochs and the injected corruption. The same record is
/// the JSON body of <c>POST /api/runs</c>, the CLI's run description and the orchestrator's input; it is stored as
/// <c>{runId}/request.json</c> so that a run can be resumed.
/// </summary>
public sealed record RunRequest
{
    /// <summary>Run id (also the orchestration instance id); generated when absent. See <see cref="RunIds"/>.</summary>
    public string? RunId { get; init; }

    /// <summary>Dataset reference: <c>mnist-sample</c>, <c>fashion-mnist</c>, a local path (CLI) or <c>blob:NAME</c> in the <c>datasets</c> container.</summary>
    public string Dataset { get; init; } = "mnist-sample";

    /// <summary>ETag of the dataset blob the run was started for (blob uploads); preparation fails if the blob changed since.</summary>
    public string? DatasetETag { get; init; }

    /// <summary>Use only the first this many source samples (null = all).</summary>
    public int? MaxSamples { get; init; }

    /// <summary>
    /// Fraction of the prepared samples held out as the <c>test</c> split (stratified by label), in [0, 0.5]; 0 = no
    /// test split. Probes never train on it, the metric and ranking tables cover the other samples only, and
    /// <c>hardsamples evaluate-pruning</c> measures accuracy on it.
    /// </summary>
    public double TestFraction { get; init; }

    /// <summary>Probes to run: <c>ae</c>, <c>ssft</c>, <c>ae-ssft</c>, <c>contrastive</c>.</summary>
    public IReadOnlyList<string> Probes { get; init; } = ["ae", "ssft"];

    /// <summary>Autoencoder (and contrastive) epochs.</summary>
    public int Epochs { get; init; } = RunDefaults.AutoencoderEpochs;

    /// <summary>
    /// Autoencoder mini-batch size; null = <see cref="RunDefaults.AutoencoderBatchFor"/>: the seed's 512 for large sets,
    /// smaller for small ones so that an epoch still takes about 150 optimiser steps (at 512 the 9,600-image sample gets
    /// 19 steps an epoch and its sigmoid bottleneck saturates for many epochs).
    /// </summary>
    public int? AutoencoderBatchSize { get; init; }

    /// <summary>SSFT epochs per phase (null = the default).</summary>
    public int? SsftEpochs { get; init; }

    /// <summary>SSFT network: <c>seed</c> (the seed's 225k-parameter CNN) or <c>lenet</c> (LeNet-5, several times cheaper on a CPU).</summary>
    public string SsftArchitecture { get; init; } = "seed";

    /// <summary>SSFT: evaluations of the first split per epoch of the forgetting phase (the seed: 5).</summary>
    public int SsftEvalsPerEpoch { get; init; } = 5;

    /// <summary>Corruption injected before the probes run (the targets the scores are checked against).</summary>
    public CorruptionRequest Corruption { get; init; } = new();

    /// <summary>Seed of every random draw of the run (data order, corruption, probes).</summary>
    public int Seed { get; init; } = 91;

    /// <summary>Where probe tensors run.</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;

    /// <summary>Samples per shard (metric shards of per-sample families, per-sample table partitions).</summary>
    public int ShardSize { get; init; } = RunDefaults.ShardSize;

    /// <summary>Above this many samples, heavy metric shards (kNN, LID, silhouette) run as GpuRunner <c>metrics</c> jobs instead of activities.</summary>
    public int MetricJobThreshold { get; init; } = RunDefaults.MetricJobThreshold;

    /// <summary>How the orchestrator waits for jobs.</summary>
    public JobWaitPolicy Wait { get; init; } = new();

    /// <summary>Retries of every activity (transient storage or compute errors).</summary>
    public ActivityRetrySettings Retry { get; init; } = new();

    /// <summary>Free-form probe settings forwarded to every job (string values).</summary>
    public IReadOnlyDictionary<string, string> ProbeExtra { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Corruption injected into the prepared dataset (same meaning as <c>CorruptionSettings</c>): mixtures consume
/// <see cref="MixRate"/> of the source (the seed's <c>len_aug</c>; half as many mixtures result), flips and
/// near-duplicates are <c>round(rate·n)</c> samples.
/// </summary>
public sealed record CorruptionRequest
{
    /// <summary>Fraction of the source consumed by two-image mixtures (the seed: 0.1, giving 5% mixtures).</summary>
    public double MixRate { get; init; } = 0.1;

    /// <summary>Fraction of samples whose observed label is flipped (ignored for unlabeled data).</summary>
    public double FlipRate { get; init; } = 0.01;

    /// <summary>Fraction of near-duplicates appended.</summary>
    public double DuplicateRate { get; init; } = 0.01;

    /// <summary>Seed of the corruption draws (the seed's 91 by default).</summary>
    public int Seed { get; init; } = 91;
}

/// <summary>How long and how often the orchestrator waits for a job.</summary>
public sealed record JobWaitPolicy
{
    /// <summary>Wait this long for the completion event before asking the launcher (the status poll).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A job still running after this long is cancelled and counts as failed.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromHours(6);

    /// <summary>Attempts per job (a failed or lost job is restarted until this many attempts were made).</summary>
    public int MaxAttempts { get; init; } = 2;
}

/// <summary>The retry policy applied to every activity call.</summary>
public sealed record ActivityRetrySettings
{
    /// <summary>Attempts in total (1 = no retry).</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>Delay before the first retry.</summary>
    public TimeSpan FirstRetryInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Delay multiplier per retry.</summary>
    public double BackoffCoefficient { get; init; } = 2;

    /// <summary>Longest delay between retries.</summary>
    public TimeSpan MaxRetryInterval { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>Default sizes, chosen so that the bundled MNIST-10k sample runs end to end in minutes on 2 CPU cores.</summary>
public static class RunDefaults
{
    /// <summary>Autoencoder epochs (mixture AUC 0.972 at 40 epochs on the bundled sample, 117 s for the whole run here).</summary>
    public const int AutoencoderEpochs = 50;

    /// <summary>Optimiser steps per epoch the automatic autoencoder batch size aims at.</summary>
    public const int AutoencoderStepsPerEpoch = 150;

    /// <summary>
    /// The automatic autoencoder batch size for <paramref name="samples"/> samples: the largest power of two not above
    /// samples / <see cref="AutoencoderStepsPerEpoch"/>, kept within [32, 512] (9,600 → 64; 57,000 → 256; ≥ 76,800 → 512).
    /// </summary>
    public static int AutoencoderBatchFor(int samples)
    {
        var target = Math.Max(1, samples / AutoencoderStepsPerEpoch);
        var batch = 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)target));
        return Math.Clamp(batch, 32, 512);
    }

    /// <summary>SSFT epochs per phase.</summary>
    public const int SsftEpochs = 8;

    /// <summary>Samples per shard.</summary>
    public const int ShardSize = 2500;

    /// <summary>Sample count above which heavy metric shards become GPU jobs.</summary>
    public const int MetricJobThreshold = 100_000;
}

