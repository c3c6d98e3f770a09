using HardSamples.Shared.Storage;
using HardSamples.Workflow.Steps;
using Microsoft.DurableTask;

namespace HardSamples.Workflow.Activities;

/// <summary>Computes one metric shard (family × snapshot or sample shard); skipped when its part exists.</summary>
public sealed class ComputeMetricShardActivity(IMetricStep step, IArtifactStore store) : TaskActivity<MetricShardInput, MetricShardResult>
{
    /// <inheritdoc />
    public override Task<MetricShardResult> RunAsync(TaskActivityContext context, MetricShardInput input)
        => StepMarkers.RunOnceAsync(store, input.Run.RunId, $"metrics/{input.Shard.Id}", () => step.ComputeShardAsync(input, CancellationToken.None));
}
