using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using HardSamples.GpuRunner.Data;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;
using TorchSharp;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Training;

/// <summary>Everything a probe needs while it runs: spec, store, device, artifacts, checkpoints, progress, timings.</summary>
public sealed class ProbeContext
{
    private readonly Dictionary<string, double> timings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> counters = new(StringComparer.Ordinal);
    private readonly Stopwatch clock = Stopwatch.StartNew();

    internal ProbeContext(JobSpec spec, IArtifactStore store, PreparedData? data, Device device, IProgress<ProbeProgress>? progress, ProbeRunOptions options, string dataIdentity, CancellationToken cancellationToken)
    {
        Spec = spec;
        Store = store;
        this.data = data;
        Device = device;
        Progress = progress;
        Options = options;
        CancellationToken = cancellationToken;
        Artifacts = new ProbeArtifacts(store, spec.OutputPrefix);
        Checkpoints = new CheckpointStore(store, Artifacts.CheckpointPrefix);
        Fingerprint = ComputeFingerprint(spec, dataIdentity);
    }

    /// <summary>The job.</summary>
    public JobSpec Spec { get; }

    /// <summary>The artifact store.</summary>
    public IArtifactStore Store { get; }

    private readonly PreparedData? data;

    /// <summary>The prepared dataset (every probe but <c>metrics</c> jobs, which read only stored probe outputs).</summary>
    /// <exception cref="InvalidOperationException">The job loaded no dataset.</exception>
    public PreparedData Data => data ?? throw new InvalidOperationException($"Job '{Spec.JobId}' ({Spec.Probe}) has no dataset loaded.");

    /// <summary>Where tensors live.</summary>
    public Device Device { get; }

    /// <summary>Progress sink, or null.</summary>
    public IProgress<ProbeProgress>? Progress { get; }

    /// <summary>Run options.</summary>
    public ProbeRunOptions Options { get; }

    /// <summary>Cancellation (checked after every batch).</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Array writer.</summary>
    public ProbeArtifacts Artifacts { get; }

    /// <summary>Checkpoint blob.</summary>
    public CheckpointStore Checkpoints { get; }

    /// <summary>Identity of the job's inputs (a checkpoint with another fingerprint is ignored).</summary>
    public string Fingerprint { get; }

    /// <summary>Named wall times in seconds.</summary>
    public IReadOnlyDictionary<string, double> Timings => timings;

    /// <summary>Named event counts (<c>gradient_retries</c>).</summary>
    public IReadOnlyDictionary<string, long> Counters => counters;

    /// <summary>Time since the job started.</summary>
    public TimeSpan Elapsed => clock.Elapsed;

    /// <summary>Adds elapsed seconds under a timing name.</summary>
    public void AddTiming(string name, TimeSpan elapsed) =>
        timings[name] = timings.GetValueOrDefault(name) + elapsed.TotalSeconds;

    /// <summary>Runs <paramref name="action"/> and books its wall time under <paramref name="name"/>.</summary>
    public T Time<T>(string name, Func<T> action)
    {
        var start = Stopwatch.GetTimestamp();
        try { return action(); }
        finally { AddTiming(name, Stopwatch.GetElapsedTime(start)); }
    }

    /// <summary>Async variant of <see cref="Time{T}"/> with a result.</summary>
    public async Task<T> TimeAsync<T>(string name, Func<Task<T>> action)
    {
        var start = Stopwatch.GetTimestamp();
        try { return await action(); }
        finally { AddTiming(name, Stopwatch.GetElapsedTime(start)); }
    }

    /// <summary>Async variant of <see cref="Time{T}"/>.</summary>
    public async Task TimeAsync(string name, Func<Task> action)
    {
        var start = Stopwatch.GetTimestamp();
        try { await action(); }
        finally { AddTiming(name, Stopwatch.GetElapsedTime(start)); }
    }

    /// <summary>Reads a batch loss to the host, applying the test hook, and stops the job when it is not finite.</summary>
    /// <exception cref="NonFiniteValueException">NaN or infinity.</exception>
    public float CheckedLoss(Tensor loss, string phase, int epoch, int batch)
    {
        var value = loss.item<float>();
        if (Options.InjectNonFiniteLoss?.Invoke(phase, epoch, batch) == true) value = float.NaN;
        if (!float.IsFinite(value))
            throw new NonFiniteValueException(
                $"Job '{Spec.JobId}': the training loss became {value} in phase '{phase}', epoch {epoch + 1}, batch {batch + 1}. " +
                "Training diverged (or the CPU kernels misbehaved); no artifacts were written for this job.");
        return value;
    }

    /// <summary>
    /// Back-propagates <paramref name="loss"/> through <see cref="GuardedBackward"/> (finite gradients or a clear error),
    /// counting recomputed passes under <c>gradient_retries</c>.
    /// </summary>
    /// <exception cref="NonFiniteValueException">The gradients stayed non-finite.</exception>
    public void Backward(Tensor loss, IReadOnlyList<TorchSharp.Modules.Parameter> parameters, string phase, int epoch, int batch)
    {
        var retries = GuardedBackward.Run(loss, parameters, $"Job '{Spec.JobId}', phase '{phase}', epoch {epoch + 1}, batch {batch + 1}",
            Options.InjectNonFiniteGradient is { } hook ? attempt => hook(phase, epoch, batch, attempt) : null);
        if (retries > 0) counters["gradient_retries"] = counters.GetValueOrDefault("gradient_retries") + retries;
    }

    /// <summary>Sends a progress report.</summary>
    public void Report(string phase, int epochsDone, int totalEpochs, double loss, double samplesPerSecond) =>
        Progress?.Report(new ProbeProgress(Spec.JobId, phase, epochsDone, totalEpochs, loss, samplesPerSecond, Elapsed));

    /// <summary>True when a checkpoint is due after <paramref name="epochsDone"/> epochs of <paramref name="totalEpochs"/>.</summary>
    public bool CheckpointDue(int epochsDone, int totalEpochs) =>
        Spec.CheckpointEvery > 0 && (epochsDone % Spec.CheckpointEvery == 0 || epochsDone >= totalEpochs);

    /// <summary>An integer from <see cref="ProbeSettings.Extra"/>, or <paramref name="fallback"/>.</summary>
    public int ExtraInt(string key, int fallback)
    {
        if (!Spec.Settings.Extra.TryGetValue(key, out var text)) return fallback;
        return int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : throw new ArgumentException($"Setting '{key}' must be an integer; got '{text}'.");
    }

    /// <summary>A number from <see cref="ProbeSettings.Extra"/>, or <paramref name="fallback"/>.</summary>
    public double ExtraDouble(string key, double fallback)
    {
        if (!Spec.Settings.Extra.TryGetValue(key, out var text)) return fallback;
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v : throw new ArgumentException($"Setting '{key}' must be a finite number; got '{text}'.");
    }

    /// <summary>SHA-256 of the spec fields that determine the artifacts (not the callback) and of the input data's identity.</summary>
    internal static string ComputeFingerprint(JobSpec spec, string dataIdentity)
    {
        var json = ContractJson.Serialize(spec with { CallbackUrl = null }) + "\n" + dataIdentity;
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}
