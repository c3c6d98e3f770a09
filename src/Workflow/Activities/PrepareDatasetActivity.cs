using HardSamples.Shared.Storage;
using HardSamples.Workflow.Steps;
using Microsoft.DurableTask;

namespace HardSamples.Workflow.Activities;

/// <summary>Prepares the dataset (read, validate, inject, split, shard); skipped when already prepared.</summary>
public sealed class PrepareDatasetActivity(IDatasetStep step, IArtifactStore store) : TaskActivity<PrepareDatasetInput, PreparedDatasetRef>
{
    /// <inheritdoc />
    public override Task<PreparedDatasetRef> RunAsync(TaskActivityContext context, PrepareDatasetInput input)
        => StepMarkers.RunOnceAsync(store, input.RunId, "prepare", () => step.PrepareAsync(input, CancellationToken.None));
}
