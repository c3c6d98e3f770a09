using System.Text.Json.Serialization;

namespace HardSamples.Shared.Contracts;

/// <summary>Which probe (or metric job) a <see cref="JobSpec"/> runs.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProbeKind>))]
public enum ProbeKind
{
    /// <summary>The seed autoencoder: per-epoch embeddings, per-sample loss, SSIM.</summary>
    Autoencoder,
    /// <summary>Second-split forgetting with the seed CNN (or LeNet): learning/forgetting times.</summary>
    Ssft,
    /// <summary>SSFT on the autoencoder (SSIM above a threshold = learnt).</summary>
    AeSsft,
    /// <summary>Barlow Twins contrastive probe.</summary>
    Contrastive,
    /// <summary>Heavy metric kernels (kNN, LID, silhouette) run as a job instead of an activity.</summary>
    Metrics,
}

/// <summary>Where a job runs its tensors.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ComputeDevice>))]
public enum ComputeDevice
{
    /// <summary>CUDA when present, else CPU.</summary>
    Auto,
    /// <summary>CPU only.</summary>
    Cpu,
    /// <summary>CUDA only; fails when absent.</summary>
    Cuda,
}

/// <summary>
/// One unit of GPU work, serialised as JSON (versioned by <see cref="SchemaVersion"/>). All data moves through
/// the artifact store: the runner reads the prepared dataset under <see cref="DatasetPrefix"/> and writes every
/// output under <see cref="OutputPrefix"/>, ending with <c>{OutputPrefix}result.json</c> (a <see cref="JobResult"/>).
/// </summary>
public sealed record JobSpec
{
    /// <summary>The schema version this code writes and reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Schema version of this document.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>The run this job belongs to.</summary>
    public required string RunId { get; init; }

    /// <summary>Unique job id within the run (e.g. <c>ae</c>, <c>ssft-ab</c>).</summary>
    public required string JobId { get; init; }

    /// <summary>What to run.</summary>
    public required ProbeKind Probe { get; init; }

    /// <summary>Artifact-store prefix of the prepared dataset (e.g. <c>{runId}/data/</c>).</summary>
    public required string DatasetPrefix { get; init; }

    /// <summary>Named split to use (<c>all</c>, <c>A</c>, <c>B</c>, or a shard name); for SSFT the first split.</summary>
    public string Split { get; init; } = "all";

    /// <summary>Optional second split (SSFT: the split trained second).</summary>
    public string? SecondSplit { get; init; }

    /// <summary>Training and recording settings.</summary>
    public ProbeSettings Settings { get; init; } = new();

    /// <summary>Number of epochs (per phase for SSFT).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Seed for every random draw of the job.</summary>
    public int Seed { get; init; } = 91;

    /// <summary>Save a checkpoint every this many epochs (0 = never).</summary>
    public int CheckpointEvery { get; init; } = 1;

    /// <summary>Device selection.</summary>
    public ComputeDevice Device { get; init; } = ComputeDevice.Auto;

    /// <summary>Artifact-store prefix for outputs, ending in '/' (e.g. <c>{runId}/probes/ae/</c>).</summary>
    public required string OutputPrefix { get; init; }

    /// <summary>Optional URL the runner POSTs its <see cref="JobResult"/> to when done.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>Name of the result document under <see cref="OutputPrefix"/>.</summary>
    [JsonIgnore]
    public string ResultName => OutputPrefix + "result.json";
}

/// <summary>Hyper-parameters and recording schedule of a probe. Defaults are the seed's.</summary>
public sealed record ProbeSettings
{
    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Autoencoder bottleneck size.</summary>
    public int LatentDim { get; init; } = 10;

    /// <summary>Network variant (<c>seed</c> or <c>lenet</c> for SSFT).</summary>
    public string Architecture { get; init; } = "seed";

    /// <summary>Record per-sample series every this many epochs.</summary>
    public int RecordEvery { get; init; } = 1;

    /// <summary>Per-sample SSIM every this many epochs (0 = never).</summary>
    public int SsimEvery { get; init; } = 1;

    /// <summary>SSFT: evaluations of the first split per epoch of the second phase.</summary>
    public int EvalsPerEpoch { get; init; } = 5;

    /// <summary>SSFT: decision threshold for learnt/forgotten (0.5 for probabilities, 0.15 for AE-SSIM).</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Free-form extra settings for a probe (string values).</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();
}

/// <summary>The seed's hyper-parameters per probe (what a job should use unless it has reasons not to).</summary>
public static class ProbeDefaults
{
    /// <summary>Settings for <paramref name="probe"/>: AE batch 512; SSFT batch 128 with 5 evaluations per epoch and
    /// probability threshold 0.5; AE-SSFT threshold 0.15 on SSIM; contrastive batch 256.</summary>
    public static ProbeSettings For(ProbeKind probe) => probe switch
    {
        ProbeKind.Ssft => new ProbeSettings { BatchSize = 128, EvalsPerEpoch = 5, Threshold = 0.5 },
        ProbeKind.AeSsft => new ProbeSettings { BatchSize = 128, EvalsPerEpoch = 5, Threshold = 0.15 },
        ProbeKind.Contrastive => new ProbeSettings { BatchSize = 256, SsimEvery = 0 },
        _ => new ProbeSettings(),
    };
}
