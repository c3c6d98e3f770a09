using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;
using HardSamples.Workflow.Jobs;
using Microsoft.DurableTask;

namespace HardSamples.Workflow.Activities;

/// <summary>
/// The status poll: the job's <c>result.json</c> is authoritative; without it the launcher is asked. An execution
/// the launcher reports finished but that wrote no result counts as failed.
/// </summary>
public sealed class GetJobStatusActivity(IJobLauncher launcher, IArtifactStore store) : TaskActivity<JobQuery, JobExecutionState>
{
    /// <inheritdoc />
    public override async Task<JobExecutionState> RunAsync(TaskActivityContext context, JobQuery input)
    {
        var result = await ArtifactJson.TryReadAsync<JobResult>(store, input.ResultName);
        if (result is not null && result.JobId == input.Handle.JobId && result.Status != JobStatus.Running)
            return new JobExecutionState(result.Status, result.Error);
        var state = await launcher.GetStatusAsync(input.Handle);
        if (state.Status == JobStatus.Succeeded)
        {
            // The launcher may see the exit before the store shows the result; read once more.
            result = await ArtifactJson.TryReadAsync<JobResult>(store, input.ResultName);
            if (result is not null && result.JobId == input.Handle.JobId) return new JobExecutionState(result.Status, result.Error);
            return new JobExecutionState(JobStatus.Failed, $"Job '{input.Handle.JobId}' ended without writing '{input.ResultName}'.");
        }
        return state;
    }
}
