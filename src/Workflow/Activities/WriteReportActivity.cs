using HardSamples.Shared.Storage;
using HardSamples.Workflow.Steps;
using Microsoft.DurableTask;

namespace HardSamples.Workflow.Activities;

/// <summary>Writes the HTML report.</summary>
public sealed class WriteReportActivity(IResultsStep step, IArtifactStore store) : TaskActivity<ReportInput, ReportRef>
{
    /// <inheritdoc />
    public override Task<ReportRef> RunAsync(TaskActivityContext context, ReportInput input)
        => StepMarkers.RunOnceAsync(store, input.Run.RunId, "report", () => step.WriteReportAsync(input, CancellationToken.None));
}
