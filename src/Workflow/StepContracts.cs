using HardSamples.Shared.Contracts;
using HardSamples.Workflow.Jobs;

namespace HardSamples.Workflow;

// Small records passed between the orchestrator and its activities. They carry artifact names, counts and ids,
// never arrays: everything large stays in the artifact store.

/// <summary>Input of the dataset preparation step.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Dataset">Dataset reference (see <see cref="RunRequest.Dataset"/>).</param>
/// <param name="DatasetETag">Expected ETag of a dataset blob (null = any).</param>
/// <param name="MaxSamples">Use only the first this many source samples.</param>
/// <param name="Corruption">Corruption to inject.</param>
/// <param name="Seed">Seed for splits and shuffles.</param>
/// <param name="ShardSize">Samples per shard split.</param>
/// <param name="Prefix">Where the prepared dataset goes (<c>{runId}/data/</c>).</param>
/// <param name="TestFraction">Fraction held out as the <c>test</c> split (0 = none); see <see cref="RunRequest.TestFraction"/>.</param>
public sealed record PrepareDatasetInput(string RunId, string Dataset, string? DatasetETag, int? MaxSamples, CorruptionRequest Corruption, int Seed, int ShardSize, string Prefix,
    double TestFraction = 0);

/// <summary>A prepared dataset in the artifact store (see the shared data contract).</summary>
/// <param name="Prefix">Prefix of <c>manifest.json</c>, <c>samples.npy</c>, splits…</param>
/// <param name="Count">Samples N.</param>
/// <param name="Channels">Channels C.</param>
/// <param name="Height">Height H.</param>
/// <param name="Width">Width W.</param>
/// <param name="ClassCount">Classes (0 when unlabeled).</param>
/// <param name="HasLabels">True when labels exist.</param>
/// <param name="Shards">Names of the shard splits (<c>shard-000</c>…), in order.</param>
/// <param name="InjectedCounts">Injected samples per kind (<c>mixture</c>, <c>flip</c>, <c>duplicate</c>).</param>
/// <param name="Fingerprint">Content fingerprint (sha256) of the prepared samples.</param>
/// <param name="TestCount">
/// Samples in the held-out <c>test</c> split (0 = none). When positive, the probes train on the <c>train</c> split
/// only and the metric and ranking tables have one row per <c>train</c> sample (see <see cref="ProbeSamples"/>).
/// </param>
public sealed record PreparedDatasetRef(
    string Prefix, int Count, int Channels, int Height, int Width, int ClassCount, bool HasLabels,
    IReadOnlyList<string> Shards, IReadOnlyDictionary<string, int> InjectedCounts, string Fingerprint, int TestCount = 0);

/// <summary>Input of the job start step.</summary>
/// <param name="Spec">The job.</param>
/// <param name="Attempt">1 for the first execution, 2 for the first retry…</param>
public sealed record StartJobInput(JobSpec Spec, int Attempt);

/// <summary>What starting a job produced.</summary>
/// <param name="Handle">Handle for status queries and cancellation.</param>
/// <param name="AlreadyCompleted">True when a succeeded result of an earlier execution exists (nothing was started).</param>
public sealed record JobStartResult(JobHandle Handle, bool AlreadyCompleted);

/// <summary>Input of the status query and cancel steps.</summary>
/// <param name="Handle">The execution.</param>
/// <param name="ResultName">Where the job writes its <see cref="JobResult"/>.</param>
public sealed record JobQuery(JobHandle Handle, string ResultName);

/// <summary>The payload of the <c>JobCompleted:{jobId}</c> event (raised by the completion endpoint or a local launcher).</summary>
/// <param name="JobId">The job.</param>
/// <param name="ExecutionId">The execution that completed (events of other executions are ignored); null = any.</param>
/// <param name="Status">Final state.</param>
/// <param name="Error">Readable error when failed.</param>
public sealed record JobCompletedEvent(string JobId, string? ExecutionId, JobStatus Status, string? Error = null)
{
    /// <summary>The external event name the orchestrator waits on for <paramref name="jobId"/>.</summary>
    public static string EventName(string jobId) => $"JobCompleted:{jobId}";
}

/// <summary>How one job ended.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Probe">Probe kind.</param>
/// <param name="OutputPrefix">Where its outputs are.</param>
/// <param name="Status">Succeeded (anything else fails the run).</param>
/// <param name="Attempts">Executions started.</param>
/// <param name="Reused">True when an earlier result was kept.</param>
/// <param name="Error">Error of the last failed attempt.</param>
public sealed record JobOutcome(string JobId, ProbeKind Probe, string OutputPrefix, JobStatus Status, int Attempts, bool Reused, string? Error = null);

/// <summary>What every step after the probes knows about the run.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Dataset">The prepared dataset.</param>
/// <param name="Jobs">Succeeded probe jobs.</param>
public sealed record RunArtifacts(string RunId, PreparedDatasetRef Dataset, IReadOnlyList<JobOutcome> Jobs);

/// <summary>One unit of metric work: a metric family over one snapshot or one sample shard.</summary>
/// <param name="Family">Metric family (e.g. <c>series</c>, <c>lid</c>, <c>silhouette</c>, <c>ssim</c>, <c>ssft</c>).</param>
/// <param name="Key">Shard key within the family (e.g. <c>shard-003</c>, <c>epoch-010</c>, <c>ab</c>); unique per family.</param>
/// <param name="Heavy">True for O(N²) work (kNN, silhouette) that becomes a GpuRunner <c>metrics</c> job above the size threshold.</param>
/// <param name="Parameters">Family-specific parameters (string values).</param>
public sealed record MetricShardSpec(string Family, string Key, bool Heavy, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>A name safe for ids and blob names: <c>{Family}-{Key}</c>.</summary>
    public string Id => $"{Family}-{Key}";
}

/// <summary>The metric shards of a run.</summary>
/// <param name="Shards">Every shard, in merge order.</param>
public sealed record MetricPlan(IReadOnlyList<MetricShardSpec> Shards);

/// <summary>Input of the metric planning step.</summary>
/// <param name="Run">The run.</param>
public sealed record MetricPlanInput(RunArtifacts Run);

/// <summary>Input of one metric shard.</summary>
/// <param name="Run">The run.</param>
/// <param name="Shard">The shard.</param>
/// <param name="OutputPrefix">Where the shard writes its partial columns (<c>{runId}/metrics/parts/{shard.Id}/</c>).</param>
public sealed record MetricShardInput(RunArtifacts Run, MetricShardSpec Shard, string OutputPrefix);

/// <summary>A computed metric shard.</summary>
/// <param name="ShardId">The shard's <see cref="MetricShardSpec.Id"/>.</param>
/// <param name="OutputPrefix">Where its partial columns are.</param>
/// <param name="Columns">Columns it produced.</param>
public sealed record MetricShardResult(string ShardId, string OutputPrefix, int Columns);

/// <summary>Input of the merge step.</summary>
/// <param name="Run">The run.</param>
/// <param name="Plan">The plan the parts belong to.</param>
/// <param name="Parts">Every computed part, in plan order.</param>
public sealed record MergeMetricsInput(RunArtifacts Run, MetricPlan Plan, IReadOnlyList<MetricShardResult> Parts);

/// <summary>The merged per-sample metric table.</summary>
/// <param name="ParquetName"><c>{runId}/results/metrics.parquet</c>.</param>
/// <param name="CsvName"><c>{runId}/results/metrics.csv</c>.</param>
/// <param name="Rows">Samples.</param>
/// <param name="Columns">Metric columns.</param>
public sealed record MergedMetricsRef(string ParquetName, string CsvName, int Rows, int Columns);

/// <summary>Input of the correlation step.</summary>
/// <param name="Run">The run.</param>
/// <param name="Metrics">The merged table.</param>
public sealed record CorrelateInput(RunArtifacts Run, MergedMetricsRef Metrics);

/// <summary>The best metric for one target.</summary>
/// <param name="Target">Target name (<c>mixture</c>, <c>flip</c>, <c>duplicate</c>, SSFT times…).</param>
/// <param name="Metric">Metric column with the largest oriented AUC (or |SRCC| for continuous targets).</param>
/// <param name="AucOriented">Oriented AUC (null for continuous targets).</param>
/// <param name="AbsSrcc">|Spearman ρ|.</param>
public sealed record TargetBest(string Target, string Metric, double? AucOriented, double AbsSrcc);

/// <summary>The correlation table and its headline.</summary>
/// <param name="CsvName"><c>{runId}/results/correlations.csv</c>.</param>
/// <param name="Best">Best metric per target.</param>
public sealed record CorrelationSummary(string CsvName, IReadOnlyList<TargetBest> Best);

/// <summary>Input of the ranking step.</summary>
/// <param name="Run">The run.</param>
/// <param name="Metrics">The merged table.</param>
/// <param name="Correlations">The correlations.</param>
public sealed record RankInput(RunArtifacts Run, MergedMetricsRef Metrics, CorrelationSummary Correlations);

/// <summary>The ranking (keep-list).</summary>
/// <param name="CsvName"><c>{runId}/results/ranking.csv</c>.</param>
/// <param name="ParquetName"><c>{runId}/results/ranking.parquet</c>, when written.</param>
/// <param name="Rows">Ranked samples.</param>
public sealed record RankingRef(string CsvName, string? ParquetName, int Rows);

/// <summary>Input of the per-sample table step: one block of consecutive sample ids (one table partition).</summary>
/// <param name="Run">The run.</param>
/// <param name="Ranking">The ranking.</param>
/// <param name="Metrics">The merged table.</param>
/// <param name="Block">Block index: sample ids [Start, Start + Count), partition <see cref="Status.SampleRows.PartitionKey"/>.</param>
/// <param name="Start">First sample id.</param>
/// <param name="Count">Sample ids in the block.</param>
public sealed record PublishSamplesInput(RunArtifacts Run, RankingRef Ranking, MergedMetricsRef Metrics, int Block, int Start, int Count);

/// <summary>Rows written for one block.</summary>
/// <param name="Block">Block index.</param>
/// <param name="Rows">Rows upserted.</param>
public sealed record PublishSamplesResult(int Block, int Rows);

/// <summary>Input of the report step.</summary>
/// <param name="Run">The run.</param>
/// <param name="Metrics">The merged table.</param>
/// <param name="Correlations">The correlations.</param>
/// <param name="Ranking">The ranking.</param>
public sealed record ReportInput(RunArtifacts Run, MergedMetricsRef Metrics, CorrelationSummary Correlations, RankingRef Ranking);

/// <summary>The written report.</summary>
/// <param name="IndexName"><c>{runId}/report/index.html</c>.</param>
public sealed record ReportRef(string IndexName);

/// <summary>A change of the run's status (the <c>Runs</c> row and <c>manifest.json</c>).</summary>
/// <param name="RunId">The run.</param>
/// <param name="Status">Overall status.</param>
/// <param name="Stage">Stage name.</param>
/// <param name="Progress">Overall progress in [0, 1].</param>
/// <param name="At">When (orchestration time, UTC).</param>
/// <param name="Message">Readable detail.</param>
/// <param name="Error">Readable error (Failed).</param>
/// <param name="Dataset">Dataset reference (first update).</param>
/// <param name="DatasetPrefix">Prepared dataset prefix, once known.</param>
/// <param name="Results">Result artifacts by role, once known.</param>
/// <param name="Jobs">Job outcomes, once known.</param>
public sealed record RunStatusUpdate(
    string RunId, RunStatus Status, string Stage, double Progress, DateTimeOffset At,
    string? Message = null, string? Error = null, string? Dataset = null, string? DatasetPrefix = null,
    IReadOnlyDictionary<string, string>? Results = null, IReadOnlyList<JobOutcome>? Jobs = null);

/// <summary>The orchestration's custom status: what the CLI's progress bars and <c>GET /api/runs/{id}</c> show.</summary>
/// <param name="Stage">Current stage name.</param>
/// <param name="StageIndex">0-based index of the stage in <see cref="RunStages.All"/>.</param>
/// <param name="Progress">Overall progress in [0, 1].</param>
/// <param name="Done">Units finished in this stage.</param>
/// <param name="Total">Units in this stage.</param>
/// <param name="Detail">Readable detail.</param>
/// <param name="Jobs">Per-job state (job id → Running/Succeeded/Failed), during and after the probe stage.</param>
public sealed record RunProgress(string Stage, int StageIndex, double Progress, int Done, int Total, string? Detail, IReadOnlyDictionary<string, string>? Jobs = null);

/// <summary>The stages of a run, in order, with their share of the overall progress.</summary>
public static class RunStages
{
    /// <summary>Stage names.</summary>
    public const string Prepare = "prepare", Probes = "probes", Metrics = "metrics", Merge = "merge", Correlate = "correlate",
        Rank = "rank", Publish = "publish", Report = "report", Done = "done";

    /// <summary>Every stage with its weight (share of the overall progress bar).</summary>
    public static readonly IReadOnlyList<(string Name, double Weight)> All =
    [
        (Prepare, 0.05), (Probes, 0.60), (Metrics, 0.20), (Merge, 0.03), (Correlate, 0.03), (Rank, 0.03), (Publish, 0.03), (Report, 0.03),
    ];

    /// <summary>Index of a stage in <see cref="All"/> (the count for <see cref="Done"/>).</summary>
    public static int IndexOf(string stage)
    {
        for (var i = 0; i < All.Count; i++) if (All[i].Name == stage) return i;
        return stage == Done ? All.Count : throw new ArgumentException($"Unknown stage '{stage}'.", nameof(stage));
    }

    /// <summary>Overall progress when <paramref name="stage"/> is <paramref name="fraction"/> done.</summary>
    public static double Overall(string stage, double fraction)
    {
        var index = IndexOf(stage);
        var before = All.Take(index).Sum(s => s.Weight);
        var weight = index < All.Count ? All[index].Weight : 0;
        return Math.Clamp(before + weight * Math.Clamp(fraction, 0, 1), 0, 1);
    }
}
