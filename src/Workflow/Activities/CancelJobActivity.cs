using HardSamples.Workflow.Jobs;
using Microsoft.DurableTask;

namespace HardSamples.Workflow.Activities;

/// <summary>Asks the launcher to stop an execution (best effort).</summary>
public sealed class CancelJobActivity(IJobLauncher launcher) : TaskActivity<JobQuery, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, JobQuery input)
    {
        await launcher.CancelAsync(input.Handle);
        return true;
    }
}
