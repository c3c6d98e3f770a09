namespace HardSamples.Workflow.Steps;

/// <summary>Turns probe outputs into per-sample metric columns, one shard at a time, and merges them.</summary>
public interface IMetricStep
{
    /// <summary>Lists the shards (metric family × snapshot or sample shard) for the run's probe outputs.</summary>
    Task<MetricPlan> PlanAsync(MetricPlanInput input, CancellationToken cancellationToken);

    /// <summary>Computes one shard and writes its partial columns under <see cref="MetricShardInput.OutputPrefix"/>.</summary>
    Task<MetricShardResult> ComputeShardAsync(MetricShardInput input, CancellationToken cancellationToken);

    /// <summary>Merges every part into <c>results/metrics.parquet</c> and <c>results/metrics.csv</c>.</summary>
    Task<MergedMetricsRef> MergeAsync(MergeMetricsInput input, CancellationToken cancellationToken);
}
