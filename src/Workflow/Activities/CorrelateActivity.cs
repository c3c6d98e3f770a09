using HardSamples.Shared.Storage;
using HardSamples.Workflow.Steps;
using Microsoft.DurableTask;

namespace HardSamples.Workflow.Activities;

/// <summary>Correlates every metric with every injected target and the SSFT times.</summary>
public sealed class CorrelateActivity(IResultsStep step, IArtifactStore store) : TaskActivity<CorrelateInput, CorrelationSummary>
{
    /// <inheritdoc />
    public override Task<CorrelationSummary> RunAsync(TaskActivityContext context, CorrelateInput input)
        => StepMarkers.RunOnceAsync(store, input.Run.RunId, "correlate", () => step.CorrelateAsync(input, CancellationToken.None));
}
