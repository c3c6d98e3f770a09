using System.Collections.Concurrent;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;
using HardSamples.Workflow.Jobs;

namespace HardSamples.Workflow.Tests.Fakes;

/// <summary>How a fake job behaves.</summary>
public enum FakeJobBehavior
{
    /// <summary>Writes a succeeded result after the delay and raises the completion event.</summary>
    Succeed,
    /// <summary>Writes a succeeded result but never raises the event (a lost callback).</summary>
    SucceedSilently,
    /// <summary>Writes a failed result and raises the event.</summary>
    Fail,
    /// <summary>Never finishes.</summary>
    Hang,
}

/// <summary>A launcher whose jobs write result.json to the store after a delay, as configured per job id.</summary>
public sealed class FakeJobLauncher(IArtifactStore store) : IJobLauncher
{
    private readonly ConcurrentDictionary<string, JobExecutionState> _states = new();
    private readonly ConcurrentDictionary<string, Queue<FakeJobBehavior>> _plans = new();
    private int _next;

    public CallCounter Starts { get; } = new();
    public CallCounter StatusQueries { get; } = new();
    public CallCounter Cancels { get; } = new();
    public CallCounter EventsRaised { get; } = new();
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(50);
    public FakeJobBehavior DefaultBehavior { get; set; } = FakeJobBehavior.Succeed;

    /// <summary>Raises the completion event (set by the harness to the run client).</summary>
    public Func<string, JobCompletedEvent, Task>? Notify { get; set; }

    /// <summary>Queues behaviours for successive executions of one job.</summary>
    public void Plan(string jobId, params FakeJobBehavior[] behaviors) => _plans[jobId] = new Queue<FakeJobBehavior>(behaviors);

    /// <summary>Simulates the death of the process running the jobs: every execution becomes unknown.</summary>
    public void ForgetExecutions() => _states.Clear();

    public Task<JobHandle> StartAsync(JobSpec spec, CancellationToken cancellationToken = default)
    {
        Starts.Increment(spec.JobId);
        var behavior = _plans.TryGetValue(spec.JobId, out var q) && q.Count > 0 ? q.Dequeue() : DefaultBehavior;
        var handle = new JobHandle(spec.RunId, spec.JobId, $"exec-{Interlocked.Increment(ref _next)}", "fake");
        _states[handle.ExecutionId] = new JobExecutionState(JobStatus.Running);
        if (behavior != FakeJobBehavior.Hang) _ = Task.Run(() => FinishAsync(spec, handle, behavior));
        return Task.FromResult(handle);
    }

    public Task<JobExecutionState> GetStatusAsync(JobHandle handle, CancellationToken cancellationToken = default)
    {
        StatusQueries.Increment(handle.JobId);
        return Task.FromResult(_states.TryGetValue(handle.ExecutionId, out var s) ? s : new JobExecutionState(JobStatus.Failed, "unknown execution"));
    }

    public Task CancelAsync(JobHandle handle, CancellationToken cancellationToken = default)
    {
        Cancels.Increment(handle.JobId);
        _states[handle.ExecutionId] = new JobExecutionState(JobStatus.Cancelled, "cancelled");
        return Task.CompletedTask;
    }

    private async Task FinishAsync(JobSpec spec, JobHandle handle, FakeJobBehavior behavior)
    {
        await Task.Delay(Delay);
        var status = behavior == FakeJobBehavior.Fail ? JobStatus.Failed : JobStatus.Succeeded;
        var error = status == JobStatus.Failed ? $"fake failure of {spec.JobId}" : null;
        await ArtifactJson.WriteAsync(store, spec.ResultName, new JobResult
        {
            RunId = spec.RunId, JobId = spec.JobId, Probe = spec.Probe, Status = status, Error = error,
            StartedAt = DateTimeOffset.UtcNow, FinishedAt = DateTimeOffset.UtcNow,
        });
        _states[handle.ExecutionId] = new JobExecutionState(status, error);
        if (behavior != FakeJobBehavior.SucceedSilently && Notify is not null)
        {
            EventsRaised.Increment(spec.JobId);
            await Notify(spec.RunId, new JobCompletedEvent(spec.JobId, handle.ExecutionId, status, error));
        }
    }
}
