using HardSamples.Shared.Storage;
using HardSamples.Workflow.Steps;
using Microsoft.DurableTask;

namespace HardSamples.Workflow.Activities;

/// <summary>Ranks the samples (the keep-list).</summary>
public sealed class RankActivity(IResultsStep step, IArtifactStore store) : TaskActivity<RankInput, RankingRef>
{
    /// <inheritdoc />
    public override Task<RankingRef> RunAsync(TaskActivityContext context, RankInput input)
        => StepMarkers.RunOnceAsync(store, input.Run.RunId, "rank", () => step.RankAsync(input, CancellationToken.None));
}
