using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;
using HardSamples.Workflow.Jobs;
using Microsoft.DurableTask;

namespace HardSamples.Workflow.Activities;

/// <summary>
/// Starts one job through the <see cref="IJobLauncher"/>. Idempotent: a succeeded result already in the store is
/// kept (nothing starts), and a retried activity of the same attempt finds its running execution instead of
/// starting a second one.
/// </summary>
public sealed class StartJobActivity(IJobLauncher launcher, IArtifactStore store, JobCallbackOptions callbacks)
    : TaskActivity<StartJobInput, JobStartResult>
{
    /// <summary>Execution id of a handle that stands for a reused result.</summary>
    public const string ReusedExecution = "reused";

    /// <inheritdoc />
    public override async Task<JobStartResult> RunAsync(TaskActivityContext context, StartJobInput input)
    {
        var spec = input.Spec with { CallbackUrl = input.Spec.CallbackUrl ?? callbacks.For(input.Spec.RunId, input.Spec.JobId) };
        var existing = await ArtifactJson.TryReadAsync<JobResult>(store, spec.ResultName);
        if (existing is { Status: JobStatus.Succeeded } && existing.JobId == spec.JobId)
            return new JobStartResult(new JobHandle(spec.RunId, spec.JobId, ReusedExecution, "store"), AlreadyCompleted: true);

        var handleName = RunLayout.JobHandle(spec.RunId, spec.JobId);
        var stored = await ArtifactJson.TryReadAsync<StoredJobHandle>(store, handleName);
        if (stored is not null && stored.Attempt == input.Attempt)
        {
            var state = await launcher.GetStatusAsync(stored.Handle);
            if (state.Status == JobStatus.Running) return new JobStartResult(stored.Handle, AlreadyCompleted: false);
        }

        // A result of an earlier, failed execution must not be mistaken for this one's.
        if (existing is not null) await store.DeleteAsync(spec.ResultName);
        await ArtifactJson.WriteAsync(store, spec.OutputPrefix + "job.json", spec);
        var handle = await launcher.StartAsync(spec);
        await ArtifactJson.WriteAsync(store, handleName, new StoredJobHandle(handle, input.Attempt, spec.ResultName, spec.Probe, DateTimeOffset.UtcNow));
        return new JobStartResult(handle, AlreadyCompleted: false);
    }
}
