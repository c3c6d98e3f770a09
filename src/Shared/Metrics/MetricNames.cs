namespace HardSamples.Shared.Metrics;

/// <summary>
/// The naming scheme of metric columns (as in the seed-compatible <c>metrics.csv</c>): a series name, two
/// underscores, then the aggregate — <c>loss__last</c>, <c>H__mean_from_10</c>, <c>L2__diff_last_0</c>,
/// <c>sil__var_from_20</c>.
/// </summary>
public static class MetricNames
{
    /// <summary>Per-sample autoencoder loss per epoch.</summary>
    public const string Loss = "loss";
    /// <summary>Entropy of the embedding normalised to sum 1.</summary>
    public const string Entropy = "H";
    /// <summary>Euclidean norm of the embedding.</summary>
    public const string L2 = "L2";
    /// <summary>L1 distance between consecutive epochs' embeddings.</summary>
    public const string DiffL1 = "dif_L1";
    /// <summary>L2 distance between consecutive epochs' embeddings.</summary>
    public const string DiffL2 = "dif_L2";
    /// <summary>Local intrinsic dimension, TLE estimator.</summary>
    public const string LidTle = "LID_TLE";
    /// <summary>Local intrinsic dimension, MLE estimator.</summary>
    public const string LidMle = "LID_MLE";
    /// <summary>Silhouette of the k-means clustering.</summary>
    public const string Silhouette = "sil";

    /// <summary>Extended: mean distance to the k nearest neighbours at the last epoch.</summary>
    public const string KnnRarity = "knn_rarity";
    /// <summary>Extended: FiftyOne-style uniqueness (weighted 3-NN distance, normalised by its maximum).</summary>
    public const string Uniqueness = "uniqueness";
    /// <summary>Extended: distance to the nearest other sample at the last epoch (small = near-duplicate).</summary>
    public const string NearestDistance = "nn1_dist";
    /// <summary>Extended: distance to the nearest k-means prototype at the last epoch.</summary>
    public const string PrototypeDistance = "proto_dist";

    /// <summary>Separator between series and aggregate.</summary>
    public const string Separator = "__";

    /// <summary><c>s__last</c>: the last value (last selected snapshot for snapshot series).</summary>
    public static string Last(string series) => $"{series}{Separator}last";

    /// <summary><c>s__mean_from_k</c>.</summary>
    public static string MeanFrom(string series, int k) => $"{series}{Separator}mean_from_{k}";

    /// <summary><c>s__std_from_k</c> (population).</summary>
    public static string StdFrom(string series, int k) => $"{series}{Separator}std_from_{k}";

    /// <summary><c>s__var_from_k</c> (population).</summary>
    public static string VarFrom(string series, int k) => $"{series}{Separator}var_from_{k}";

    /// <summary><c>s__diff_last_k</c> = s[−1] − s[k].</summary>
    public static string DiffLast(string series, int k) => $"{series}{Separator}diff_last_{k}";

    /// <summary>The series part of a column name (<c>H__mean_from_10</c> → <c>H</c>); the whole name when it has no aggregate.</summary>
    public static string SeriesOf(string column)
    {
        ArgumentNullException.ThrowIfNull(column);
        var at = column.IndexOf(Separator, StringComparison.Ordinal);
        return at < 0 ? column : column[..at];
    }
}
