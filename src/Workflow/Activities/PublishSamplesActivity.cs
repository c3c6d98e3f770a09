using HardSamples.Shared.Storage;
using HardSamples.Workflow.Steps;
using Microsoft.DurableTask;

namespace HardSamples.Workflow.Activities;

/// <summary>Writes the per-sample table rows of one block of sample ids.</summary>
public sealed class PublishSamplesActivity(IResultsStep step, IArtifactStore store) : TaskActivity<PublishSamplesInput, PublishSamplesResult>
{
    /// <inheritdoc />
    public override Task<PublishSamplesResult> RunAsync(TaskActivityContext context, PublishSamplesInput input)
        => StepMarkers.RunOnceAsync(store, input.Run.RunId, $"publish/{input.Block:00000}", () => step.PublishSamplesAsync(input, CancellationToken.None));
}
