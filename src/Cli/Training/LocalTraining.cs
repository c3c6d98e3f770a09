using HardSamples.GpuRunner;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Storage.Local;

namespace HardSamples.Cli.Training;

/// <summary>What <c>hardsamples train</c> was asked to do.</summary>
/// <param name="Probe">Probe kind.</param>
/// <param name="Dataset">A prepared dataset folder (holding samples.npy).</param>
/// <param name="OutputFolder">Run folder: the prepared data goes to <c>data/</c>, each job to <c>probes/{job}/</c>.</param>
/// <param name="Epochs">Epochs (per phase for SSFT).</param>
/// <param name="Settings">Probe settings.</param>
/// <param name="Seed">Seed.</param>
/// <param name="Device">Device selection.</param>
/// <param name="Split">First split (SSFT: A; others: all).</param>
/// <param name="SecondSplit">Second split (SSFT only).</param>
/// <param name="CheckpointEvery">Checkpoint interval in epochs.</param>
/// <param name="BothDirections">SSFT: also run the second→first job so every sample gets times.</param>
public sealed record TrainRequest(
    ProbeKind Probe, string Dataset, string OutputFolder, int Epochs, ProbeSettings Settings, int Seed = 91,
    ComputeDevice Device = ComputeDevice.Auto, string Split = "all", string? SecondSplit = null, int CheckpointEvery = 1,
    bool BothDirections = true);

/// <summary>Runs probe jobs in-process against a local run folder (the CLI's <c>train</c> command).</summary>
public static class LocalTraining
{
    /// <summary>Store prefix of the prepared data inside the run folder.</summary>
    public const string DataPrefix = "data/";

    /// <summary>The job specs a request expands to (SSFT: <c>ssft-ab</c> and <c>ssft-ba</c>).</summary>
    public static IReadOnlyList<JobSpec> Plan(TrainRequest request)
    {
        var baseId = request.Probe switch
        {
            ProbeKind.Autoencoder => "ae",
            ProbeKind.Ssft => "ssft",
            ProbeKind.AeSsft => "aessft",
            ProbeKind.Contrastive => "contrastive",
            _ => throw new ArgumentException($"'{request.Probe}' is not a trainable probe."),
        };
        JobSpec Make(string jobId, string split, string? second) => new()
        {
            RunId = "local",
            JobId = jobId,
            Probe = request.Probe,
            DatasetPrefix = DataPrefix,
            Split = split,
            SecondSplit = second,
            Settings = request.Settings,
            Epochs = request.Epochs,
            Seed = request.Seed,
            CheckpointEvery = request.CheckpointEvery,
            Device = request.Device,
            OutputPrefix = $"probes/{jobId}/",
        };
        if (request.Probe is not (ProbeKind.Ssft or ProbeKind.AeSsft)) return [Make(baseId, request.Split, null)];
        var first = request.Split == "all" ? "A" : request.Split;
        var second = request.SecondSplit ?? "B";
        var forward = Make($"{baseId}-{first}{second}".ToLowerInvariant(), first, second);
        return request.BothDirections ? [forward, Make($"{baseId}-{second}{first}".ToLowerInvariant(), second, first)] : [forward];
    }

    /// <summary>Copies the prepared dataset into the run folder (when not already there) and runs every planned job.</summary>
    public static async Task<IReadOnlyList<JobResult>> RunAsync(TrainRequest request, Func<JobSpec, IProgress<ProbeProgress>?>? progress = null,
        ProbeRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        var plan = Plan(request);
        Directory.CreateDirectory(request.OutputFolder);
        var store = new LocalArtifactStore(request.OutputFolder);
        await ImportPreparedAsync(request.Dataset, store, cancellationToken);
        var results = new List<JobResult>();
        foreach (var spec in plan)
        {
            var result = await ProbeRunner.RunAsync(spec, store, progress?.Invoke(spec), options ?? new ProbeRunOptions(), cancellationToken);
            results.Add(result);
            if (result.Status != JobStatus.Succeeded) break;
        }
        return results;
    }

    /// <summary>Copies a prepared dataset folder into <c>data/</c> of the run store; files already identical are kept.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">It is not a prepared dataset.</exception>
    public static async Task ImportPreparedAsync(string folder, IArtifactStore store, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"Dataset '{folder}' is neither a known dataset name nor a prepared folder.");
        if (!File.Exists(Path.Combine(root, "samples.npy")))
            throw new InvalidDataException($"'{folder}' is not a prepared dataset: it has no samples.npy (float32 [N,C,H,W]).");
        var source = new LocalArtifactStore(root);
        await foreach (var info in source.ListAsync("", cancellationToken))
        {
            if (!info.Name.EndsWith(".npy", StringComparison.Ordinal) && !info.Name.EndsWith(".json", StringComparison.Ordinal) && !info.Name.EndsWith(".csv", StringComparison.Ordinal))
                continue;
            if (info.Name.StartsWith("probes/", StringComparison.Ordinal)) continue;
            var target = DataPrefix + info.Name;
            var existing = await store.GetInfoAsync(target, cancellationToken);
            if (existing?.Sha256 == info.Sha256) continue;
            await using var stream = await source.OpenReadAsync(info.Name, cancellationToken);
            await store.PutAsync(target, stream, cancellationToken: cancellationToken);
        }
    }
}
