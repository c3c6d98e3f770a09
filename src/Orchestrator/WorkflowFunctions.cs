using HardSamples.Workflow;
using HardSamples.Workflow.Activities;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace HardSamples.Orchestrator;

/// <summary>
/// Thin durable wrappers: each function has the name the orchestrator calls and delegates to the shared
/// <see cref="RunOrchestrator"/> or activity class (class-based <c>[DurableTask]</c> registration needs a source
/// generator that is not available here).
/// </summary>
public sealed class WorkflowFunctions
{
    /// <summary>The run orchestrator.</summary>
    [Function(nameof(RunOrchestrator))]
    public static Task<RunSummary> Run([OrchestrationTrigger] TaskOrchestrationContext context)
        => new RunOrchestrator().RunAsync(context, context.GetInput<RunRequest>()
            ?? throw new InvalidOperationException($"Orchestration '{context.InstanceId}' has no RunRequest input."));

    /// <summary><see cref="UpdateRunStatusActivity"/>.</summary>
    [Function(nameof(UpdateRunStatusActivity))]
    public static Task<bool> UpdateRunStatus([ActivityTrigger] RunStatusUpdate input, FunctionContext function)
        => Run<UpdateRunStatusActivity, RunStatusUpdate, bool>(input, function);

    /// <summary><see cref="PrepareDatasetActivity"/>.</summary>
    [Function(nameof(PrepareDatasetActivity))]
    public static Task<PreparedDatasetRef> PrepareDataset([ActivityTrigger] PrepareDatasetInput input, FunctionContext function)
        => Run<PrepareDatasetActivity, PrepareDatasetInput, PreparedDatasetRef>(input, function);

    /// <summary><see cref="StartJobActivity"/>.</summary>
    [Function(nameof(StartJobActivity))]
    public static Task<JobStartResult> StartJob([ActivityTrigger] StartJobInput input, FunctionContext function)
        => Run<StartJobActivity, StartJobInput, JobStartResult>(input, function);

    /// <summary><see cref="GetJobStatusActivity"/>.</summary>
    [Function(nameof(GetJobStatusActivity))]
    public static Task<Workflow.Jobs.JobExecutionState> GetJobStatus([ActivityTrigger] JobQuery input, FunctionContext function)
        => Run<GetJobStatusActivity, JobQuery, Workflow.Jobs.JobExecutionState>(input, function);

    /// <summary><see cref="CancelJobActivity"/>.</summary>
    [Function(nameof(CancelJobActivity))]
    public static Task<bool> CancelJob([ActivityTrigger] JobQuery input, FunctionContext function)
        => Run<CancelJobActivity, JobQuery, bool>(input, function);

    /// <summary><see cref="PlanMetricsActivity"/>.</summary>
    [Function(nameof(PlanMetricsActivity))]
    public static Task<MetricPlan> PlanMetrics([ActivityTrigger] MetricPlanInput input, FunctionContext function)
        => Run<PlanMetricsActivity, MetricPlanInput, MetricPlan>(input, function);

    /// <summary><see cref="ComputeMetricShardActivity"/>.</summary>
    [Function(nameof(ComputeMetricShardActivity))]
    public static Task<MetricShardResult> ComputeMetricShard([ActivityTrigger] MetricShardInput input, FunctionContext function)
        => Run<ComputeMetricShardActivity, MetricShardInput, MetricShardResult>(input, function);

    /// <summary><see cref="MergeMetricsActivity"/>.</summary>
    [Function(nameof(MergeMetricsActivity))]
    public static Task<MergedMetricsRef> MergeMetrics([ActivityTrigger] MergeMetricsInput input, FunctionContext function)
        => Run<MergeMetricsActivity, MergeMetricsInput, MergedMetricsRef>(input, function);

    /// <summary><see cref="CorrelateActivity"/>.</summary>
    [Function(nameof(CorrelateActivity))]
    public static Task<CorrelationSummary> Correlate([ActivityTrigger] CorrelateInput input, FunctionContext function)
        => Run<CorrelateActivity, CorrelateInput, CorrelationSummary>(input, function);

    /// <summary><see cref="RankActivity"/>.</summary>
    [Function(nameof(RankActivity))]
    public static Task<RankingRef> Rank([ActivityTrigger] RankInput input, FunctionContext function)
        => Run<RankActivity, RankInput, RankingRef>(input, function);

    /// <summary><see cref="PublishSamplesActivity"/>.</summary>
    [Function(nameof(PublishSamplesActivity))]
    public static Task<PublishSamplesResult> PublishSamples([ActivityTrigger] PublishSamplesInput input, FunctionContext function)
        => Run<PublishSamplesActivity, PublishSamplesInput, PublishSamplesResult>(input, function);

    /// <summary><see cref="WriteReportActivity"/>.</summary>
    [Function(nameof(WriteReportActivity))]
    public static Task<ReportRef> WriteReport([ActivityTrigger] ReportInput input, FunctionContext function)
        => Run<WriteReportActivity, ReportInput, ReportRef>(input, function);

    private static Task<TOut> Run<TActivity, TIn, TOut>(TIn input, FunctionContext function)
        where TActivity : TaskActivity<TIn, TOut>
    {
        var activity = ActivatorUtilities.CreateInstance<TActivity>(function.InstanceServices);
        return activity.RunAsync(FunctionActivityContext.For(typeof(TActivity).Name, function), input);
    }
}
