namespace HardSamples.Shared.Metrics;

/// <summary>Settings of the metric suite; the defaults are the seed's.</summary>
public sealed record MetricSuiteOptions
{
    /// <summary>Aggregation starts k (<c>__mean_from_k</c> …).</summary>
    public IReadOnlyList<int> Ks { get; init; } = [0, 10, 20];

    /// <summary>LID snapshot interval: epochs <c>range(LidEvery, E, LidEvery)</c>.</summary>
    public int LidEvery { get; init; } = 10;

    /// <summary>Silhouette snapshot interval: epochs <c>range(0, E, SilhouetteEvery)</c>.</summary>
    public int SilhouetteEvery { get; init; } = 10;

    /// <summary>TLE neighbourhood size.</summary>
    public int TleNeighbors { get; init; } = LocalIntrinsicDimension.DefaultTleNeighbors;

    /// <summary>TLE ε.</summary>
    public double TleEpsilon { get; init; } = LocalIntrinsicDimension.DefaultEpsilon;

    /// <summary>MLE neighbourhood size.</summary>
    public int MleNeighbors { get; init; } = LocalIntrinsicDimension.DefaultMleNeighbors;

    /// <summary>k-means used for the silhouette (and the prototype distance).</summary>
    public KMeansOptions KMeans { get; init; } = new();

    /// <summary>Adds the extended embedding scores at the last epoch (knn_rarity, uniqueness, nn1_dist, proto_dist).</summary>
    public bool Extended { get; init; }

    /// <summary>Neighbours averaged by <c>knn_rarity</c>.</summary>
    public int RarityNeighbors { get; init; } = 10;

    /// <summary>Cores to use; null uses all.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        SeriesAggregates.ValidateKs(Ks);
        if (LidEvery < 1) throw new ArgumentException($"LID interval must be at least 1, got {LidEvery}.");
        if (SilhouetteEvery < 1) throw new ArgumentException($"Silhouette interval must be at least 1, got {SilhouetteEvery}.");
        if (TleNeighbors < 2) throw new ArgumentException($"TLE needs at least 2 neighbours, got {TleNeighbors}.");
        if (MleNeighbors < 1) throw new ArgumentException($"MLE needs at least 1 neighbour, got {MleNeighbors}.");
        if (!(TleEpsilon >= 0) || double.IsInfinity(TleEpsilon)) throw new ArgumentException($"TLE ε must be finite and non-negative, got {TleEpsilon}.");
        if (KMeans is null || KMeans.Clusters < 2) throw new ArgumentException("The silhouette needs k-means with at least 2 clusters.");
        if (RarityNeighbors < 1) throw new ArgumentException($"Rarity needs at least 1 neighbour, got {RarityNeighbors}.");
    }
}

/// <summary>A family of metrics computed together.</summary>
public enum MetricFamily
{
    /// <summary>Per-epoch series aggregates (loss, H, L2, dif_L1, dif_L2) for a range of samples.</summary>
    Series,
    /// <summary>LID (TLE and MLE) at one epoch snapshot.</summary>
    Lid,
    /// <summary>k-means silhouette at one epoch snapshot.</summary>
    Silhouette,
    /// <summary>Extended embedding scores at one epoch (the last).</summary>
    Extended,
}

/// <summary>One independently computable piece of the suite (a shard for the workflow's fan-out).</summary>
/// <param name="Family">Metric family.</param>
/// <param name="Epoch">Snapshot epoch (−1 for <see cref="MetricFamily.Series"/>).</param>
/// <param name="RowStart">First sample (series) or 0.</param>
/// <param name="RowCount">Number of samples covered.</param>
public sealed record MetricWorkUnit(MetricFamily Family, int Epoch, int RowStart, int RowCount)
{
    /// <summary>A stable identifier usable in file or activity names (<c>series-0-57000</c>, <c>lid-e0010</c>, <c>sil-e0000</c>, <c>ext-e0599</c>).</summary>
    public string Id => Family switch
    {
        MetricFamily.Series => $"series-{RowStart}-{RowStart + RowCount}",
        MetricFamily.Lid => $"lid-e{Epoch:D4}",
        MetricFamily.Silhouette => $"sil-e{Epoch:D4}",
        _ => $"ext-e{Epoch:D4}",
    };
}

/// <summary>
/// The result of one work unit. Series shards hold final aggregate columns for their rows; snapshot shards hold the
/// raw per-sample values of their epoch for every sample (columns <c>LID_TLE</c>/<c>LID_MLE</c>, <c>sil</c>, or the
/// extended scores).
/// </summary>
/// <param name="Unit">The unit computed.</param>
/// <param name="Columns">Its columns.</param>
public sealed record MetricShard(MetricWorkUnit Unit, IReadOnlyList<MetricColumn> Columns);

/// <summary>Progress of a suite run: the unit just finished and how many of all are done.</summary>
/// <param name="Stage">Identifier of the finished unit.</param>
/// <param name="Completed">Units done.</param>
/// <param name="Total">Units in all.</param>
public sealed record MetricProgress(string Stage, int Completed, int Total);
