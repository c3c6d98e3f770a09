namespace HardSamples.Workflow;

/// <summary>
/// Artifact names of one run (the blob layout under container <c>runs</c>, or the local output folder):
/// <code>
/// {runId}/request.json            the RunRequest as accepted
/// {runId}/manifest.json           RunManifest: status, stage, jobs, result links
/// {runId}/data/                   prepared dataset (manifest.json, samples.npy, labels.npy, injected.npy, splits/…)
/// {runId}/probes/{jobId}/         probe outputs + result.json (JobResult); job.json = the JobSpec
/// {runId}/jobs/{jobId}.json       latest job handle (for status queries and cancel)
/// {runId}/metrics/parts/{shard}/  partial metric columns of one shard
/// {runId}/steps/…                 step completion markers (idempotent re-runs and --resume)
/// {runId}/results/metrics.parquet, metrics.csv, correlations.csv, ranking.csv, ranking.parquet
/// {runId}/report/index.html
/// </code>
/// </summary>
public static class RunLayout
{
    /// <summary>The stored request.</summary>
    public static string Request(string runId) => $"{runId}/request.json";

    /// <summary>The run manifest.</summary>
    public static string Manifest(string runId) => $"{runId}/manifest.json";

    /// <summary>Prefix of the prepared dataset.</summary>
    public static string Data(string runId) => $"{runId}/data/";

    /// <summary>Output prefix of a probe job.</summary>
    public static string Probe(string runId, string jobId) => $"{runId}/probes/{jobId}/";

    /// <summary>The stored handle of a job's latest execution.</summary>
    public static string JobHandle(string runId, string jobId) => $"{runId}/jobs/{jobId}.json";

    /// <summary>Prefix of the stored job handles.</summary>
    public static string JobHandles(string runId) => $"{runId}/jobs/";

    /// <summary>Output prefix of one metric shard.</summary>
    public static string MetricPart(string runId, string shardId) => $"{runId}/metrics/parts/{shardId}/";

    /// <summary>Completion marker of a step (its result record as JSON).</summary>
    public static string StepMarker(string runId, string step) => $"{runId}/steps/{step}.json";

    /// <summary>Prefix of the results folder.</summary>
    public static string Results(string runId) => $"{runId}/results/";

    /// <summary>A file in the results folder.</summary>
    public static string Result(string runId, string file) => $"{runId}/results/{file}";

    /// <summary>The report's entry page.</summary>
    public static string ReportIndex(string runId) => $"{runId}/report/index.html";
}
