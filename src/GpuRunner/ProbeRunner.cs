using System.Text;
using HardSamples.GpuRunner.Data;
using HardSamples.GpuRunner.Probes;
using HardSamples.GpuRunner.Torch;
using HardSamples.GpuRunner.Training;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;
using TorchSharp;

namespace HardSamples.GpuRunner;

/// <summary>
/// Runs one probe job in-process: reads the prepared dataset and writes every artifact through
/// <see cref="IArtifactStore"/>, then <c>{OutputPrefix}result.json</c>. Idempotent: when a Succeeded result already
/// exists it is returned untouched; otherwise the job resumes from its last checkpoint (same spec and data) or starts.
/// </summary>
public static class ProbeRunner
{
    private static readonly SemaphoreSlim TorchGate = new(1, 1);

    /// <summary>Runs <paramref name="spec"/> with default options.</summary>
    public static Task<JobResult> RunAsync(JobSpec spec, IArtifactStore store, IProgress<ProbeProgress>? progress = null, CancellationToken cancellationToken = default) =>
        RunAsync(spec, store, progress, new ProbeRunOptions(), cancellationToken);

    /// <summary>
    /// Runs <paramref name="spec"/>. Returns the result written to result.json: Succeeded, or Failed with a readable
    /// error (bad spec or data, non-finite loss, …). A stored Succeeded result for the same spec and input data is
    /// returned without running. Cancellation throws <see cref="OperationCanceledException"/> and leaves the last
    /// checkpoint for a later resume. Jobs in one process run one at a time (torch state is global).
    /// </summary>
    public static async Task<JobResult> RunAsync(JobSpec spec, IArtifactStore store, IProgress<ProbeProgress>? progress, ProbeRunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(store);
        var started = DateTimeOffset.UtcNow;
        string? device = null;
        string? fingerprint = null;
        await TorchGate.WaitAsync(cancellationToken);
        try
        {
            Validate(spec);
            var identity = await DataIdentityAsync(store, spec, cancellationToken);
            fingerprint = ProbeContext.ComputeFingerprint(spec, identity);
            var existing = await ReadResultAsync(store, spec, cancellationToken);
            if (existing is { Status: JobStatus.Succeeded } && existing.Fingerprint == fingerprint) return existing;
            TorchRuntime.EnsureInitialized();
            if (options.Threads is { } threads) torch.set_num_threads(threads);
            device = DeviceSelection.Resolve(spec.Device, options.CudaAvailable ?? torch.cuda.is_available());
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var data = spec.Probe == ProbeKind.Metrics ? null : await PreparedData.LoadAsync(store, spec.DatasetPrefix, cancellationToken);
            var ctx = new ProbeContext(spec, store, data, new torch.Device(device), progress, options, identity, cancellationToken);
            ctx.AddTiming("load", clock.Elapsed);
            options.OnStarted?.Invoke();
            var artifacts = await CreateProbe(spec.Probe).RunAsync(ctx);
            ctx.AddTiming("total", clock.Elapsed);
            var result = new JobResult
            {
                RunId = spec.RunId,
                JobId = spec.JobId,
                Probe = spec.Probe,
                Status = JobStatus.Succeeded,
                Fingerprint = ctx.Fingerprint,
                Artifacts = artifacts,
                Timings = new Dictionary<string, double>(ctx.Timings),
                Counters = new Dictionary<string, long>(ctx.Counters),
                Device = device,
                StartedAt = started,
                FinishedAt = DateTimeOffset.UtcNow,
            };
            await WriteResultAsync(store, spec, result, cancellationToken);
            if (!options.KeepCheckpoint) await ctx.Artifacts.DeleteCheckpointAsync(CancellationToken.None);
            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is NonFiniteValueException or InvalidDataException or ArgumentException or InvalidOperationException or NotSupportedException or ArtifactNotFoundException or KeyNotFoundException)
        {
            var failed = new JobResult
            {
                RunId = spec.RunId,
                JobId = spec.JobId,
                Probe = spec.Probe,
                Status = JobStatus.Failed,
                Error = e.Message,
                Fingerprint = fingerprint,
                Device = device,
                StartedAt = started,
                FinishedAt = DateTimeOffset.UtcNow,
            };
            await WriteResultAsync(store, spec, failed, CancellationToken.None);
            return failed;
        }
        finally
        {
            TorchGate.Release();
        }
    }

    /// <summary>The probe implementation for a kind.</summary>
    /// <exception cref="NotSupportedException">The kind is not a GPU probe (e.g. Metrics).</exception>
    public static IProbe CreateProbe(ProbeKind kind) => kind switch
    {
        ProbeKind.Autoencoder => new AutoencoderProbe(),
        ProbeKind.Ssft => new SsftProbe(SsftModelKind.Classifier),
        ProbeKind.AeSsft => new SsftProbe(SsftModelKind.Autoencoder),
        ProbeKind.Contrastive => new ContrastiveProbe(),
        ProbeKind.Metrics => new MetricsProbe(),
        _ => throw new NotSupportedException($"Probe kind '{kind}' is not run by GpuRunner."),
    };

    /// <summary>The stored result of a job, or null.</summary>
    public static async Task<JobResult?> ReadResultAsync(IArtifactStore store, JobSpec spec, CancellationToken cancellationToken = default)
    {
        if (!await store.ExistsAsync(spec.ResultName, cancellationToken)) return null;
        await using var s = await store.OpenReadAsync(spec.ResultName, cancellationToken);
        using var reader = new StreamReader(s, Encoding.UTF8);
        return ContractJson.ParseResult(await reader.ReadToEndAsync(cancellationToken), spec.ResultName);
    }

    /// <summary>Checks the spec fields the runner relies on.</summary>
    /// <exception cref="ArgumentException">Names the bad field.</exception>
    public static void Validate(JobSpec spec)
    {
        if (spec.SchemaVersion != JobSpec.CurrentSchemaVersion)
            throw new ArgumentException($"Job schema version {spec.SchemaVersion} is not supported (expected {JobSpec.CurrentSchemaVersion}).");
        if (string.IsNullOrWhiteSpace(spec.JobId)) throw new ArgumentException("Job id is empty.");
        if (!spec.OutputPrefix.EndsWith('/')) throw new ArgumentException($"Output prefix '{spec.OutputPrefix}' must end with '/'.");
        ArtifactName.Validate(spec.OutputPrefix.TrimEnd('/'));
        if (spec.DatasetPrefix.Length > 0) ArtifactName.Validate(spec.DatasetPrefix.TrimEnd('/'));
        if (spec.Epochs < 1) throw new ArgumentException($"Epochs must be at least 1; got {spec.Epochs}.");
        if (spec.CheckpointEvery < 0) throw new ArgumentException($"CheckpointEvery must be ≥ 0; got {spec.CheckpointEvery}.");
        var s = spec.Settings;
        if (s.BatchSize < 1) throw new ArgumentException($"Batch size must be at least 1; got {s.BatchSize}.");
        if (!(s.LearningRate > 0) || !double.IsFinite(s.LearningRate)) throw new ArgumentException($"Learning rate must be positive; got {s.LearningRate}.");
        if (s.LatentDim < 1) throw new ArgumentException($"Latent dimension must be at least 1; got {s.LatentDim}.");
        if (s.RecordEvery < 1) throw new ArgumentException($"RecordEvery must be at least 1; got {s.RecordEvery}.");
        if (s.SsimEvery < 0) throw new ArgumentException($"SsimEvery must be ≥ 0; got {s.SsimEvery}.");
        if (s.EvalsPerEpoch < 1) throw new ArgumentException($"EvalsPerEpoch must be at least 1; got {s.EvalsPerEpoch}.");
        if (spec.Probe is ProbeKind.Ssft or ProbeKind.AeSsft && string.IsNullOrEmpty(spec.SecondSplit))
            throw new ArgumentException($"Probe {spec.Probe} needs SecondSplit (the split trained in phase 2).");
    }

    private static async Task WriteResultAsync(IArtifactStore store, JobSpec spec, JobResult result, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(ContractJson.Serialize(result));
        using var ms = new MemoryStream(bytes, writable: false);
        await store.PutAsync(spec.ResultName, ms, new ArtifactPutOptions(ContentType: "application/json"), cancellationToken);
    }

    private static async Task<string> DataIdentityAsync(IArtifactStore store, JobSpec spec, CancellationToken cancellationToken)
    {
        var prefix = PreparedData.NormalizePrefix(spec.DatasetPrefix);
        var names = new List<string> { "samples.npy", "labels.npy", "manifest.json" };
        if (!string.IsNullOrEmpty(spec.Split) && spec.Split != "all") names.Add($"splits/{spec.Split}.npy");
        if (!string.IsNullOrEmpty(spec.SecondSplit) && spec.SecondSplit != "all") names.Add($"splits/{spec.SecondSplit}.npy");
        var files = names.Select(n => (Label: n, Name: prefix + n)).ToList();
        // A metrics job's inputs are the autoencoder's arrays: a rerun autoencoder invalidates its stored result.
        if (spec.Probe == ProbeKind.Metrics && spec.Settings.Extra.TryGetValue("aePrefix", out var ae) && ae.Length > 0)
            files.AddRange([(ae + "embeddings.npy", ae + "embeddings.npy"), (ae + "losses.npy", ae + "losses.npy")]);
        var sb = new StringBuilder();
        foreach (var (label, name) in files)
        {
            var info = await store.GetInfoAsync(name, cancellationToken);
            sb.Append(label).Append('=').Append(info?.Sha256 ?? "-").Append('\n');
        }
        return sb.ToString();
    }
}
