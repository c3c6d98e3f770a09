namespace HardSamples.Workflow.Jobs;

/// <summary>Where a local launcher reports that a job ended (the CLI raises the orchestration's completion event).</summary>
public interface IJobCompletionSink
{
    /// <summary>Reports the end of one execution.</summary>
    Task JobCompletedAsync(string runId, JobCompletedEvent completed, CancellationToken cancellationToken = default);
}
