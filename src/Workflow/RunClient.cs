using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;
using HardSamples.Workflow.Jobs;
using HardSamples.Workflow.Status;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace HardSamples.Workflow;

/// <summary>
/// Starts, resumes, cancels and inspects runs, and delivers job completions — the client side shared by the
/// Functions endpoints and the CLI. The orchestration instance id is the run id.
/// </summary>
public sealed class RunClient(DurableTaskClient client, IArtifactStore store, IRunStatusStore status, IJobLauncher launcher, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Validates and stores the request, marks the run Pending and schedules the orchestration.</summary>
    /// <returns>The request as scheduled (with its run id).</returns>
    /// <exception cref="ArgumentException">The request is invalid.</exception>
    /// <exception cref="RunConflictException">A run with that id already exists.</exception>
    public async Task<RunRequest> StartAsync(RunRequest request, CancellationToken cancellationToken = default)
    {
        RunRequestValidator.ThrowIfInvalid(request);
        var scheduled = request with { RunId = request.RunId ?? RunIds.New(_time.GetUtcNow()) };
        var runId = scheduled.RunId!;
        if (await store.ExistsAsync(RunLayout.Request(runId), cancellationToken) || await client.GetInstanceAsync(runId, cancellationToken) is not null)
            throw new RunConflictException(runId, $"Run '{runId}' already exists; use resume to continue it.");
        await ArtifactJson.WriteAsync(store, RunLayout.Request(runId), scheduled, cancellationToken);
        await ScheduleAsync(scheduled, cancellationToken);
        return scheduled;
    }

    /// <summary>
    /// Continues a run from its stored request and artifacts (finished jobs and steps are kept): schedules the
    /// orchestration again unless it is already running in this host.
    /// </summary>
    /// <exception cref="RunNotFoundException">No stored request for that run.</exception>
    public async Task<RunRequest> ResumeAsync(string runId, CancellationToken cancellationToken = default)
    {
        RunIds.Validate(runId);
        var request = await ArtifactJson.TryReadAsync<RunRequest>(store, RunLayout.Request(runId), cancellationToken)
                      ?? throw new RunNotFoundException(runId);
        var instance = await client.GetInstanceAsync(runId, cancellationToken);
        if (instance is { IsRunning: true } || instance?.RuntimeStatus == OrchestrationRuntimeStatus.Pending) return request;
        if (instance is not null) await client.PurgeInstanceAsync(runId, cancellationToken);
        await ScheduleAsync(request, cancellationToken);
        return request;
    }

    /// <summary>Stops a run: terminates the orchestration, cancels its running jobs and marks it Cancelled.</summary>
    /// <returns>False when the run is unknown or already finished.</returns>
    public async Task<bool> CancelAsync(string runId, string reason, CancellationToken cancellationToken = default)
    {
        RunIds.Validate(runId);
        var manifest = await status.GetAsync(runId, cancellationToken);
        if (manifest is null || manifest.Status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled) return false;
        var instance = await client.GetInstanceAsync(runId, cancellationToken);
        if (instance is not null && !instance.IsCompleted) await client.TerminateInstanceAsync(runId, reason, cancellationToken);
        await foreach (var info in store.ListAsync(RunLayout.JobHandles(runId), cancellationToken))
        {
            var stored = await ArtifactJson.TryReadAsync<StoredJobHandle>(store, info.Name, cancellationToken);
            if (stored is null || await ArtifactJson.TryReadAsync<JobResult>(store, stored.ResultName, cancellationToken) is not null) continue;
            await launcher.CancelAsync(stored.Handle, cancellationToken);
        }
        await status.ApplyAsync(new RunStatusUpdate(runId, RunStatus.Cancelled, manifest.Stage, manifest.Progress, _time.GetUtcNow(),
            Message: "cancelled: " + reason), cancellationToken);
        return true;
    }

    /// <summary>Delivers a job's completion to its run (the <c>JobCompleted:{jobId}</c> event).</summary>
    /// <returns>False when the run is unknown or not running.</returns>
    public async Task<bool> CompleteJobAsync(string runId, JobCompletedEvent completed, CancellationToken cancellationToken = default)
    {
        RunIds.Validate(runId);
        RunIds.ValidateJobId(completed.JobId);
        var instance = await client.GetInstanceAsync(runId, cancellationToken);
        if (instance is null || instance.IsCompleted) return false;
        await client.RaiseEventAsync(runId, JobCompletedEvent.EventName(completed.JobId), completed, cancellationToken);
        return true;
    }

    /// <summary>The run's manifest and its live progress (null when unknown).</summary>
    public async Task<RunView?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        RunIds.Validate(runId);
        var manifest = await status.GetAsync(runId, cancellationToken);
        var instance = await client.GetInstanceAsync(runId, getInputsAndOutputs: true, cancellationToken);
        if (manifest is null && instance is null) return null;
        RunProgress? progress = null;
        if (instance?.SerializedCustomStatus is { Length: > 0 }) progress = instance.ReadCustomStatusAs<RunProgress>();
        return new RunView(runId, manifest, instance?.RuntimeStatus.ToString(), progress, instance?.FailureDetails?.ErrorMessage);
    }

    private async Task ScheduleAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var runId = request.RunId!;
        await status.ApplyAsync(new RunStatusUpdate(runId, RunStatus.Pending, "pending", 0, _time.GetUtcNow(),
            Message: "scheduled", Dataset: request.Dataset), cancellationToken);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(RunOrchestrator), request, new StartOrchestrationOptions(runId), cancellationToken);
    }
}

/// <summary>What <see cref="RunClient.GetAsync"/> knows about a run.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Manifest">The stored manifest (status, stage, results), if written yet.</param>
/// <param name="RuntimeStatus">The orchestration's runtime status in this host, if known.</param>
/// <param name="Progress">The orchestration's live progress, if any.</param>
/// <param name="Failure">The orchestration's failure message, if it failed.</param>
public sealed record RunView(string RunId, RunManifest? Manifest, string? RuntimeStatus, RunProgress? Progress, string? Failure);

/// <summary>A run id is already taken.</summary>
public sealed class RunConflictException(string runId, string message) : Exception(message)
{
    /// <summary>The run.</summary>
    public string RunId { get; } = runId;
}

/// <summary>No such run.</summary>
public sealed class RunNotFoundException(string runId) : Exception($"Run '{runId}' does not exist (no stored request).")
{
    /// <summary>The run.</summary>
    public string RunId { get; } = runId;
}
