using System.Collections.Concurrent;
using HardSamples.GpuRunner;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;
using HardSamples.Workflow;
using HardSamples.Workflow.Jobs;
using HardSamples.Workflow.Steps;

namespace HardSamples.Cli.Jobs;

/// <summary>
/// Runs probe jobs inside the CLI process through the GpuRunner library (<see cref="ProbeRunner"/>; torch work is
/// serialised there, one job at a time), reports their epochs to the <see cref="JobProgressBoard"/> and their end to
/// the <see cref="IJobCompletionSink"/>. Executions live only as long as this process: after a restart every earlier
/// execution reads as failed, and the orchestrator starts the job again, which resumes from its last checkpoint.
/// <c>metrics</c> jobs (heavy metric shards of large sets) run through the same <see cref="ProbeRunner"/> as in the container.
/// </summary>
internal sealed class InProcessJobLauncher(IArtifactStore store, JobProgressBoard board, IJobCompletionSink? sink, int? threads) : IJobLauncher, IDisposable
{
    /// <summary>The <see cref="JobHandle.Launcher"/> value.</summary>
    public const string LauncherKind = "in-process";

    private readonly ConcurrentDictionary<string, Execution> _executions = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _shutdown = new();

    private sealed class Execution(string id, JobSpec spec)
    {
        public string Id { get; } = id;
        public JobSpec Spec { get; } = spec;
        public CancellationTokenSource Cancel { get; } = new();
        public JobExecutionState State { get; set; } = new(JobStatus.Running, "queued");
    }

    /// <inheritdoc />
    public Task<JobHandle> StartAsync(JobSpec spec, CancellationToken cancellationToken = default)
    {
        var id = $"{spec.JobId}-{Guid.NewGuid():N}";
        var execution = new Execution(id, spec);
        _executions[id] = execution;
        board.Report(new JobProgressLine(spec.JobId, "queued", 0, spec.Epochs, double.NaN));
        _ = Task.Run(() => RunAsync(execution), CancellationToken.None);
        return Task.FromResult(new JobHandle(spec.RunId, spec.JobId, id, LauncherKind));
    }

    /// <inheritdoc />
    public Task<JobExecutionState> GetStatusAsync(JobHandle handle, CancellationToken cancellationToken = default)
        => Task.FromResult(_executions.TryGetValue(handle.ExecutionId, out var e)
            ? e.State
            : new JobExecutionState(JobStatus.Failed, $"execution '{handle.ExecutionId}' of job '{handle.JobId}' is not known to this process (it was started by an earlier one)"));

    /// <inheritdoc />
    public Task CancelAsync(JobHandle handle, CancellationToken cancellationToken = default)
    {
        if (_executions.TryGetValue(handle.ExecutionId, out var e)) e.Cancel.Cancel();
        return Task.CompletedTask;
    }

    /// <summary>Stops every job (they keep their checkpoints).</summary>
    public void Dispose()
    {
        _shutdown.Cancel();
        foreach (var e in _executions.Values) e.Cancel.Cancel();
    }

    private async Task RunAsync(Execution e)
    {
        var spec = e.Spec;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(e.Cancel.Token, _shutdown.Token);
        var progress = new SyncProgress(p => board.Report(new JobProgressLine(spec.JobId, p.Phase, p.Epoch, p.TotalEpochs, p.Loss)));
        try
        {
            // Probe and metrics jobs alike: exactly what the GpuRunner container runs.
            var options = new ProbeRunOptions { Threads = threads, OnStarted = () => e.State = new JobExecutionState(JobStatus.Running, spec.Probe == ProbeKind.Metrics ? "computing" : "training") };
            var result = await ProbeRunner.RunAsync(spec, store, progress, options, linked.Token);
            e.State = new JobExecutionState(result.Status, result.Error);
        }
        catch (OperationCanceledException)
        {
            e.State = new JobExecutionState(JobStatus.Cancelled, "cancelled (the last checkpoint is kept)");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            e.State = new JobExecutionState(JobStatus.Failed, $"{ex.GetType().Name}: {ex.Message}");
        }
        board.Report(new JobProgressLine(spec.JobId, e.State.Status.ToString().ToLowerInvariant(), spec.Epochs, spec.Epochs, double.NaN));
        if (sink is null || _shutdown.IsCancellationRequested) return;
        try
        {
            await sink.JobCompletedAsync(spec.RunId, new JobCompletedEvent(spec.JobId, e.Id, e.State.Status, e.State.Message));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The orchestrator's status poll notices the end anyway.
        }
    }

    /// <summary>Reports synchronously on the reporting thread (no SynchronizationContext hop).</summary>
    private sealed class SyncProgress(Action<ProbeProgress> report) : IProgress<ProbeProgress>
    {
        public void Report(ProbeProgress value) => report(value);
    }
}
