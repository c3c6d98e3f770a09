using System.Text.Json;
using HardSamples.GpuRunner;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Datasets;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Storage.Local;

namespace HardSamples.Cli.Training;

/// <summary>What <c>hardsamples train</c> was asked to do.</summary>
/// <param name="Probe">Probe kind.</param>
/// <param name="Dataset">A dataset the datasets module reads (mnist-sample, fashion-mnist, IDX/.npy/image folder), prepared
/// into <c>data/</c> with the default corruption; or an already prepared folder (manifest.json + samples.npy), copied.</param>
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
        await EnsureDatasetAsync(request.Dataset, store, cancellationToken);
        var heldOut = await store.ExistsAsync(DataPrefix + "splits/test.npy", cancellationToken);
        var results = new List<JobResult>();
        foreach (var planned in plan)
        {
            // A prepared set with a held-out test split: "all" means every sample the probes may see (the train split).
            var spec = heldOut && planned.Split == "all" ? planned with { Split = "train" } : planned;
            var result = await ProbeRunner.RunAsync(spec, store, progress?.Invoke(spec), options ?? new ProbeRunOptions(), cancellationToken);
            results.Add(result);
            if (result.Status != JobStatus.Succeeded) break;
        }
        return results;
    }

    /// <summary>
    /// Puts the dataset under <c>data/</c> of the run store: a prepared folder is copied; any other dataset argument is
    /// prepared with the default corruption settings unless <c>data/</c> already holds a preparation of that same source
    /// (so rerunning a command resumes instead of re-preparing).
    /// </summary>
    public static async Task EnsureDatasetAsync(string dataset, IArtifactStore store, CancellationToken cancellationToken)
    {
        if (IsPreparedFolder(dataset))
        {
            await ImportPreparedAsync(dataset, store, cancellationToken);
            return;
        }
        if (await PreparedSourceAsync(store, cancellationToken) == dataset) return;
        var source = DatasetResolver.Read(dataset, new DatasetReadOptions());
        var options = source.Labels is null
            ? PrepareOptions.Default with { Corruption = PrepareOptions.Default.Corruption with { FlipRate = 0 } }
            : PrepareOptions.Default;
        await DatasetPreparation.PrepareAsync(dataset, new DatasetReadOptions(), options, store, DataPrefix, overwrite: true, cancellationToken);
    }

    /// <summary>True for a folder holding a prepared dataset (manifest.json and samples.npy).</summary>
    public static bool IsPreparedFolder(string path) =>
        Directory.Exists(path) && File.Exists(Path.Combine(path, PreparedDatasetStore.ManifestName)) && File.Exists(Path.Combine(path, PreparedDatasetStore.SamplesName));

    private static async Task<string?> PreparedSourceAsync(IArtifactStore store, CancellationToken cancellationToken)
    {
        var name = DataPrefix + PreparedDatasetStore.ManifestName;
        if (!await store.ExistsAsync(name, cancellationToken)) return null;
        await using var stream = await store.OpenReadAsync(name, cancellationToken);
        using var doc = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        return doc.RootElement.TryGetProperty("source", out var source) && source.TryGetProperty("description", out var description)
            ? description.GetString() : null;
    }

    /// <summary>Copies a prepared dataset folder into <c>data/</c> of the run store; files already identical are kept.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">It is not a prepared dataset.</exception>
    public static async Task ImportPreparedAsync(string folder, IArtifactStore store, CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"Dataset '{folder}' is neither a known dataset name nor a prepared folder.");
        if (!IsPreparedFolder(root))
            throw new InvalidDataException($"'{folder}' is not a prepared dataset: it needs manifest.json and samples.npy (float32 [N,C,H,W]).");
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
