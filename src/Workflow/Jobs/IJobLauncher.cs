using HardSamples.Shared.Contracts;

namespace HardSamples.Workflow.Jobs;

/// <summary>
/// Starts probe jobs somewhere (in-process, a local process, Azure Container Apps Jobs) and reports their state.
/// Implementations are idempotent per <see cref="JobSpec.JobId"/>: starting a job that already finished returns
/// its existing handle.
/// </summary>
public interface IJobLauncher
{
    /// <summary>Starts the job and returns a handle for status queries.</summary>
    Task<JobHandle> StartAsync(JobSpec spec, CancellationToken cancellationToken = default);

    /// <summary>Current state of a started job.</summary>
    Task<JobExecutionState> GetStatusAsync(JobHandle handle, CancellationToken cancellationToken = default);

    /// <summary>Requests the job to stop (best effort).</summary>
    Task CancelAsync(JobHandle handle, CancellationToken cancellationToken = default);
}

/// <summary>Identifies one execution of a job.</summary>
/// <param name="RunId">The run.</param>
/// <param name="JobId">The job.</param>
/// <param name="ExecutionId">Launcher-specific execution id (process id, ACA execution name, …).</param>
/// <param name="Launcher">Launcher kind that produced it.</param>
public sealed record JobHandle(string RunId, string JobId, string ExecutionId, string Launcher);

/// <summary>What a launcher knows about an execution.</summary>
/// <param name="Status">Running, Succeeded, Failed or Cancelled.</param>
/// <param name="Message">Readable detail, e.g. the failure reason.</param>
public sealed record JobExecutionState(JobStatus Status, string? Message = null);
