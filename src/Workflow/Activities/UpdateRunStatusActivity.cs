using HardSamples.Workflow.Status;
using Microsoft.DurableTask;

namespace HardSamples.Workflow.Activities;

/// <summary>Writes the run's status to the <c>Runs</c> table and <c>manifest.json</c>.</summary>
public sealed class UpdateRunStatusActivity(IRunStatusStore status) : TaskActivity<RunStatusUpdate, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, RunStatusUpdate input)
    {
        await status.ApplyAsync(input);
        return true;
    }
}
