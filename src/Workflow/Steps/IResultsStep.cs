namespace HardSamples.Workflow.Steps;

/// <summary>The fan-in: correlations against the injected targets, ranking, per-sample rows and the report.</summary>
public interface IResultsStep
{
    /// <summary>Writes <c>results/correlations.csv</c> (every metric against every injected target and the SSFT times).</summary>
    Task<CorrelationSummary> CorrelateAsync(CorrelateInput input, CancellationToken cancellationToken);

    /// <summary>Writes <c>results/ranking.csv</c> (and <c>.parquet</c>).</summary>
    Task<RankingRef> RankAsync(RankInput input, CancellationToken cancellationToken);

    /// <summary>Upserts the per-sample table rows of one shard (partition per run and shard, row per sample id).</summary>
    Task<PublishSamplesResult> PublishSamplesAsync(PublishSamplesInput input, CancellationToken cancellationToken);

    /// <summary>Writes <c>report/index.html</c> and its assets.</summary>
    Task<ReportRef> WriteReportAsync(ReportInput input, CancellationToken cancellationToken);
}
