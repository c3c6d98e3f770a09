using HardSamples.Shared.Storage;
using HardSamples.Workflow.Steps;
using Microsoft.DurableTask;

namespace HardSamples.Workflow.Activities;

/// <summary>Merges the metric parts into the per-sample table.</summary>
public sealed class MergeMetricsActivity(IMetricStep step, IArtifactStore store) : TaskActivity<MergeMetricsInput, MergedMetricsRef>
{
    /// <inheritdoc />
    public override Task<MergedMetricsRef> RunAsync(TaskActivityContext context, MergeMetricsInput input)
        => StepMarkers.RunOnceAsync(store, input.Run.RunId, "merge", () => step.MergeAsync(input, CancellationToken.None));
}
