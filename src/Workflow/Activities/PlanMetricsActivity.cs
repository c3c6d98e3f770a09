using HardSamples.Shared.Storage;
using HardSamples.Workflow.Steps;
using Microsoft.DurableTask;

namespace HardSamples.Workflow.Activities;

/// <summary>Lists the metric shards of the run.</summary>
public sealed class PlanMetricsActivity(IMetricStep step, IArtifactStore store) : TaskActivity<MetricPlanInput, MetricPlan>
{
    /// <inheritdoc />
    public override Task<MetricPlan> RunAsync(TaskActivityContext context, MetricPlanInput input)
        => StepMarkers.RunOnceAsync(store, input.Run.RunId, "metrics-plan", () => step.PlanAsync(input, CancellationToken.None));
}
