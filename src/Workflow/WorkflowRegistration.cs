using HardSamples.Workflow.Activities;
using Microsoft.DurableTask;

namespace HardSamples.Workflow;

/// <summary>Registers the run orchestrator and its activities with a Durable Task worker (in-process host, console host, tests).</summary>
public static class WorkflowRegistration
{
    /// <summary>Every activity class of the workflow (registered under its class name).</summary>
    public static readonly IReadOnlyList<Type> ActivityTypes =
    [
        typeof(UpdateRunStatusActivity), typeof(PrepareDatasetActivity), typeof(StartJobActivity), typeof(GetJobStatusActivity),
        typeof(CancelJobActivity), typeof(PlanMetricsActivity), typeof(ComputeMetricShardActivity), typeof(MergeMetricsActivity),
        typeof(CorrelateActivity), typeof(RankActivity), typeof(PublishSamplesActivity), typeof(WriteReportActivity),
    ];

    /// <summary>Adds <see cref="RunOrchestrator"/> and every activity.</summary>
    public static DurableTaskRegistry AddRunWorkflow(this DurableTaskRegistry registry)
    {
        registry.AddOrchestrator<RunOrchestrator>();
        foreach (var type in ActivityTypes) registry.AddActivity(type);
        return registry;
    }
}
