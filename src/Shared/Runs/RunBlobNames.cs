using HardSamples.Shared.Storage;

namespace HardSamples.Shared.Runs;

/// <summary>
/// Blob names of one run under <c>{runId}/</c> (the same layout in Azure and in the local store):
/// <c>manifest.json</c>, <c>data/</c> (prepared dataset), <c>probes/&lt;job&gt;/</c>, <c>results/</c>, <c>report/index.html</c>.
/// </summary>
public static class RunBlobNames
{
    /// <summary>Throws <see cref="ArgumentException"/> unless the run id is one safe path segment.</summary>
    public static string ValidateRunId(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (runId.Contains('/') || runId.Contains('\\'))
            throw new ArgumentException($"Run id '{runId}' must not contain path separators.", nameof(runId));
        ArtifactName.Validate(runId);
        return runId;
    }

    /// <summary><c>{runId}/</c>.</summary>
    public static string Prefix(string runId) => ValidateRunId(runId) + "/";

    /// <summary>The run manifest.</summary>
    public static string RunManifest(string runId) => Prefix(runId) + "manifest.json";

    /// <summary>Prefix of the prepared dataset.</summary>
    public static string DataPrefix(string runId) => Prefix(runId) + "data/";

    /// <summary>A file of the prepared dataset (e.g. <c>samples.npy</c>, <c>splits/test.npy</c>).</summary>
    public static string Data(string runId, string file) => ArtifactName.Validate(DataPrefix(runId) + file);

    /// <summary>Prefix of all probe outputs.</summary>
    public static string ProbesPrefix(string runId) => Prefix(runId) + "probes/";

    /// <summary>A file under <c>results/</c>.</summary>
    public static string Result(string runId, string file) => ArtifactName.Validate(Prefix(runId) + "results/" + file);

    /// <summary>Per-sample metric table (CSV).</summary>
    public static string MetricsCsv(string runId) => Result(runId, "metrics.csv");

    /// <summary>Correlations of every metric with every target.</summary>
    public static string Correlations(string runId) => Result(runId, "correlations.csv");

    /// <summary>Near-duplicate pairs (<c>sample_a,sample_b,distance</c>), written by the metric step when it finds any.</summary>
    public static string NearDuplicates(string runId) => Result(runId, "near_duplicates.csv");

    /// <summary>The ranking (CSV).</summary>
    public static string RankingCsv(string runId) => Result(runId, "ranking.csv");

    /// <summary>The ranking (Parquet).</summary>
    public static string RankingParquet(string runId) => Result(runId, "ranking.parquet");

    /// <summary>How the ranking was made (metrics, orientation, thresholds, clusters).</summary>
    public static string RankingSummary(string runId) => Result(runId, "ranking.json");

    /// <summary>Accuracy of pruned vs random subsets.</summary>
    public static string PruningCsv(string runId) => Result(runId, "pruning.csv");

    /// <summary>The pruning plot.</summary>
    public static string PruningPlot(string runId) => Result(runId, "pruning.png");

    /// <summary>The HTML report.</summary>
    public static string Report(string runId) => Prefix(runId) + "report/index.html";
}
