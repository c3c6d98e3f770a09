using HardSamples.Shared.Arrays;
using HardSamples.Shared.Metrics.Extended;
using HardSamples.Shared.Metrics.Kernels;

namespace HardSamples.Shared.Metrics;

/// <summary>
/// The whole metric engine: from autoencoder embeddings <c>[E, N, D]</c> and per-sample losses <c>[E, N]</c> to a
/// per-sample table with the seed-compatible columns (and optionally the extended scores). It is shardable: plan the
/// work units, compute each one alone (a sample range of the series, or one family at one epoch), and merge.
/// </summary>
public static class MetricSuite
{
    /// <summary>Runs every unit in-process and merges them.</summary>
    /// <exception cref="ArgumentException">Shapes disagree, options are invalid, or N is too small for a requested k.</exception>
    /// <exception cref="InvalidDataException">NaN/Inf or negative embeddings, non-finite losses, or constant embeddings at a snapshot.</exception>
    public static MetricTable Compute(NdArray<float> embeddings, NdArray<float> losses, MetricSuiteOptions options,
        IProgress<MetricProgress>? progress = null, IDistanceKernel? kernel = null, CancellationToken cancellationToken = default)
    {
        var (epochs, samples, _) = Validate(embeddings, losses, options);
        var units = Plan(epochs, samples, options);
        var shards = new List<MetricShard>(units.Count);
        foreach (var unit in units)
        {
            cancellationToken.ThrowIfCancellationRequested();
            shards.Add(ComputeUnit(unit, embeddings, losses, options, kernel, cancellationToken));
            progress?.Report(new MetricProgress(unit.Id, shards.Count, units.Count));
        }
        return Merge(shards, epochs, samples, options);
    }

    /// <summary>Spearman/AUC of every column against a target (binary label or SSFT times); see <see cref="MetricCorrelations"/>.</summary>
    public static IReadOnlyList<CorrelationRow> Correlations(MetricTable table, ReadOnlySpan<double> target) => MetricCorrelations.Compute(table, target);

    /// <summary>
    /// The work units for E epochs and N samples: the series split into ranges of at most
    /// <paramref name="seriesRowsPerUnit"/> samples, then one LID unit per LID epoch, one silhouette unit per
    /// silhouette epoch, and the extended unit (last epoch) when enabled.
    /// </summary>
    public static IReadOnlyList<MetricWorkUnit> Plan(int epochs, int samples, MetricSuiteOptions options, int seriesRowsPerUnit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (epochs < 1) throw new ArgumentException($"Need at least one epoch, got {epochs}.", nameof(epochs));
        if (samples < 2) throw new ArgumentException($"Need at least two samples, got {samples}.", nameof(samples));
        if (seriesRowsPerUnit < 1) throw new ArgumentException($"Rows per series unit must be positive, got {seriesRowsPerUnit}.", nameof(seriesRowsPerUnit));
        var lid = SnapshotSchedule.LidEpochs(epochs, options.LidEvery);
        var sil = SnapshotSchedule.SilhouetteEpochs(epochs, options.SilhouetteEvery);
        var lidK = Math.Max(options.TleNeighbors, options.MleNeighbors);
        if (lid.Count > 0 && samples < lidK + 1)
            throw new ArgumentException($"LID with k = {lidK} neighbours needs N ≥ {lidK + 1} samples; there are {samples}.");
        if (sil.Count > 0 && samples < options.KMeans.Clusters + 1)
            throw new ArgumentException($"The silhouette of {options.KMeans.Clusters} clusters needs N ≥ {options.KMeans.Clusters + 1} samples; there are {samples}.");
        var extK = Math.Max(options.RarityNeighbors, 3);
        if (options.Extended && samples < Math.Max(extK, options.KMeans.Clusters) + 1)
            throw new ArgumentException($"The extended scores need N ≥ {Math.Max(extK, options.KMeans.Clusters) + 1} samples; there are {samples}.");
        var units = new List<MetricWorkUnit>();
        for (var r = 0; r < samples; r += seriesRowsPerUnit)
            units.Add(new MetricWorkUnit(MetricFamily.Series, -1, r, Math.Min(seriesRowsPerUnit, samples - r)));
        units.AddRange(lid.Select(e => new MetricWorkUnit(MetricFamily.Lid, e, 0, samples)));
        units.AddRange(sil.Select(e => new MetricWorkUnit(MetricFamily.Silhouette, e, 0, samples)));
        if (options.Extended) units.Add(new MetricWorkUnit(MetricFamily.Extended, epochs - 1, 0, samples));
        return units;
    }

    /// <summary>Computes one work unit from the full arrays.</summary>
    public static MetricShard ComputeUnit(MetricWorkUnit unit, NdArray<float> embeddings, NdArray<float> losses, MetricSuiteOptions options,
        IDistanceKernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unit);
        var (epochs, samples, dim) = Validate(embeddings, losses, options);
        if (unit.Family == MetricFamily.Series) return ComputeSeries(embeddings, losses, unit.RowStart, unit.RowCount, options);
        if (unit.Epoch < 0 || unit.Epoch >= epochs) throw new ArgumentException($"Unit {unit.Id} names epoch {unit.Epoch}; there are {epochs} epochs.", nameof(unit));
        var points = PointsAt(embeddings, unit.Epoch);
        return ComputeSnapshot(unit.Family, unit.Epoch, points, options, kernel, cancellationToken);
    }

    /// <summary>The embeddings of one epoch as a float64 point set <c>[N, D]</c>.</summary>
    /// <exception cref="InvalidDataException">A value is NaN/Inf.</exception>
    public static PointSet PointsAt(NdArray<float> embeddings, int epoch)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        embeddings.RequireRank(3, "embeddings");
        int samples = embeddings.Dim(1), dim = embeddings.Dim(2);
        try
        {
            return PointSet.FromSingle(embeddings.Data.AsSpan(checked(epoch * samples * dim), samples * dim), samples, dim);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Embeddings at epoch {epoch}: {e.Message}", e);
        }
    }

    /// <summary>The series aggregate columns for samples [<paramref name="rowStart"/>, +<paramref name="rowCount"/>).</summary>
    public static MetricShard ComputeSeries(NdArray<float> embeddings, NdArray<float> losses, int rowStart, int rowCount, MetricSuiteOptions options)
    {
        var (epochs, samples, dim) = Validate(embeddings, losses, options);
        var columns = SeriesColumns.Compute(embeddings.Data, losses.Data, epochs, samples, dim, rowStart, rowCount, options.Ks, Parallel(options));
        return new MetricShard(new MetricWorkUnit(MetricFamily.Series, -1, rowStart, rowCount), columns);
    }

    /// <summary>
    /// One snapshot family at one epoch from that epoch's embeddings alone: LID (<c>LID_TLE</c>, <c>LID_MLE</c>),
    /// silhouette (<c>sil</c>) or the extended scores.
    /// </summary>
    /// <exception cref="InvalidDataException">The embeddings are constant, or a TLE neighbourhood has zero radius.</exception>
    public static MetricShard ComputeSnapshot(MetricFamily family, int epoch, PointSet points, MetricSuiteOptions options,
        IDistanceKernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        kernel ??= options.MaxDegreeOfParallelism is { } dop ? new CpuDistanceKernel(dop) : CpuDistanceKernel.Default;
        var unit = new MetricWorkUnit(family, epoch, 0, points.Count);
        RequireSpread(points, unit);
        try
        {
            return family switch
            {
                MetricFamily.Lid => new MetricShard(unit, Lid(points, options, kernel, cancellationToken)),
                MetricFamily.Silhouette => new MetricShard(unit, [new MetricColumn(MetricNames.Silhouette, SilhouetteOf(points, options, kernel, cancellationToken))]),
                MetricFamily.Extended => new MetricShard(unit, ExtendedScores(points, options, kernel, cancellationToken)),
                _ => throw new ArgumentException($"{family} is not a snapshot family.", nameof(family)),
            };
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{unit.Id}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Merges shards into the final table: series shards must tile the samples exactly once; every planned snapshot
    /// must be present once. Snapshot values are aggregated over the snapshots with epoch ≥ k.
    /// </summary>
    /// <exception cref="ArgumentException">Missing, duplicate or inconsistent shards.</exception>
    public static MetricTable Merge(IEnumerable<MetricShard> shards, int epochs, int samples, MetricSuiteOptions options)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var all = shards.ToList();
        Plan(epochs, samples, options);
        var table = new MetricTable(samples);
        MergeSeries(all.Where(s => s.Unit.Family == MetricFamily.Series).OrderBy(s => s.Unit.RowStart).ToList(), samples, table);
        MergeSnapshots(all, MetricFamily.Lid, SnapshotSchedule.LidEpochs(epochs, options.LidEvery), [MetricNames.LidTle, MetricNames.LidMle], samples, options, table);
        MergeSnapshots(all, MetricFamily.Silhouette, SnapshotSchedule.SilhouetteEpochs(epochs, options.SilhouetteEvery), [MetricNames.Silhouette], samples, options, table);
        var extended = all.Where(s => s.Unit.Family == MetricFamily.Extended).ToList();
        if (options.Extended && extended.Count != 1) throw new ArgumentException($"Expected one extended shard, got {extended.Count}.", nameof(shards));
        if (!options.Extended && extended.Count != 0) throw new ArgumentException("Extended shards were given but the options do not ask for them.", nameof(shards));
        foreach (var column in extended.SelectMany(s => s.Columns)) table.Add(column);
        return table;
    }

    private static void MergeSeries(List<MetricShard> series, int samples, MetricTable table)
    {
        if (series.Count == 0) throw new ArgumentException("No series shard was given.");
        var names = series[0].Columns.Select(c => c.Name).ToArray();
        var next = 0;
        foreach (var shard in series)
        {
            if (shard.Unit.RowStart != next) throw new ArgumentException($"Series shards leave a gap or overlap at sample {next} (next shard starts at {shard.Unit.RowStart}).");
            if (!shard.Columns.Select(c => c.Name).SequenceEqual(names)) throw new ArgumentException($"Series shard {shard.Unit.Id} has different columns.");
            next += shard.Unit.RowCount;
        }
        if (next != samples) throw new ArgumentException($"Series shards cover {next} samples, not {samples}.");
        for (var c = 0; c < names.Length; c++)
        {
            var values = new double[samples];
            foreach (var shard in series)
            {
                var part = shard.Columns[c].Values;
                if (part.Length != shard.Unit.RowCount) throw new ArgumentException($"Series shard {shard.Unit.Id} column {names[c]} has {part.Length} values.");
                part.CopyTo(values, shard.Unit.RowStart);
            }
            table.Add(names[c], values);
        }
    }

    private static void MergeSnapshots(List<MetricShard> all, MetricFamily family, IReadOnlyList<int> epochs, string[] seriesNames, int samples,
        MetricSuiteOptions options, MetricTable table)
    {
        var shards = all.Where(s => s.Unit.Family == family).OrderBy(s => s.Unit.Epoch).ToList();
        var got = shards.Select(s => s.Unit.Epoch).ToArray();
        if (!got.SequenceEqual(epochs))
            throw new ArgumentException($"{family} shards are for epochs [{string.Join(", ", got)}]; expected [{string.Join(", ", epochs)}].");
        var s = epochs.Count;
        foreach (var name in seriesNames)
        {
            var plan = SeriesAggregates.Plan(name, epochs, options.Ks, withDiffLast: false);
            if (plan.Count == 0) continue;
            // Sample-major [N, S] series.
            var series = new double[samples * s];
            for (var t = 0; t < s; t++)
            {
                var column = shards[t].Columns.FirstOrDefault(c => c.Name == name)
                    ?? throw new ArgumentException($"Shard {shards[t].Unit.Id} lacks column {name}.");
                if (column.Values.Length != samples) throw new ArgumentException($"Shard {shards[t].Unit.Id} column {name} has {column.Values.Length} values, not {samples}.");
                for (var i = 0; i < samples; i++) series[i * s + t] = column.Values[i];
            }
            var outputs = plan.Select(_ => new double[samples]).ToArray();
            var buffer = new double[plan.Count];
            for (var i = 0; i < samples; i++)
            {
                SeriesAggregates.Evaluate(plan, series.AsSpan(i * s, s), buffer);
                for (var c = 0; c < plan.Count; c++) outputs[c][i] = buffer[c];
            }
            for (var c = 0; c < plan.Count; c++) table.Add(plan[c].Name, outputs[c]);
        }
    }

    private static List<MetricColumn> Lid(PointSet points, MetricSuiteOptions options, IDistanceKernel kernel, CancellationToken ct)
    {
        var k = Math.Max(options.TleNeighbors, options.MleNeighbors);
        var graph = kernel.NearestNeighbors(points, k, ct);
        var tle = LocalIntrinsicDimension.Tle(points, graph, options.TleNeighbors, options.TleEpsilon, Parallel(options, ct));
        var mle = LocalIntrinsicDimension.Mle(graph, options.MleNeighbors);
        return [new MetricColumn(MetricNames.LidTle, tle), new MetricColumn(MetricNames.LidMle, mle)];
    }

    private static double[] SilhouetteOf(PointSet points, MetricSuiteOptions options, IDistanceKernel kernel, CancellationToken ct)
    {
        var fit = KMeans.Fit(points, options.KMeans, kernel, ct);
        if (fit.Labels.Distinct().Count() < 2)
            throw new InvalidDataException("k-means found fewer than 2 distinct clusters; the silhouette is undefined.");
        return Silhouette.Samples(points, fit.Labels, kernel, ct);
    }

    private static List<MetricColumn> ExtendedScores(PointSet points, MetricSuiteOptions options, IDistanceKernel kernel, CancellationToken ct)
    {
        var graph = kernel.NearestNeighbors(points, Math.Max(options.RarityNeighbors, 3), ct);
        var nearest = new double[points.Count];
        for (var i = 0; i < nearest.Length; i++) nearest[i] = graph.DistancesOf(i)[0];
        return
        [
            new MetricColumn(MetricNames.KnnRarity, KnnRarity.MeanDistance(graph, options.RarityNeighbors)),
            new MetricColumn(MetricNames.Uniqueness, KnnRarity.Uniqueness(graph)),
            new MetricColumn(MetricNames.NearestDistance, nearest),
            new MetricColumn(MetricNames.PrototypeDistance, PrototypeDistance.Compute(points, options.KMeans, kernel, ct)),
        ];
    }

    private static void RequireSpread(PointSet points, MetricWorkUnit unit)
    {
        var first = points.Row(0);
        for (var i = 1; i < points.Count; i++)
        {
            if (!points.Row(i).SequenceEqual(first)) return;
        }
        throw new InvalidDataException($"{unit.Id}: all {points.Count} embeddings are identical (constant embeddings); LID and silhouette are undefined.");
    }

    private static (int Epochs, int Samples, int Dim) Validate(NdArray<float> embeddings, NdArray<float> losses, MetricSuiteOptions options)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(losses);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (embeddings.Rank != 3) throw new ArgumentException($"Embeddings must be [E, N, D]; got shape {embeddings.ShapeText}.", nameof(embeddings));
        if (losses.Rank != 2) throw new ArgumentException($"Losses must be [E, N]; got shape {losses.ShapeText}.", nameof(losses));
        int epochs = embeddings.Dim(0), samples = embeddings.Dim(1), dim = embeddings.Dim(2);
        if (losses.Dim(0) != epochs || losses.Dim(1) != samples)
            throw new ArgumentException($"Losses {losses.ShapeText} do not match embeddings {embeddings.ShapeText} (need [{epochs}, {samples}]).", nameof(losses));
        if (epochs < 1 || samples < 2 || dim < 1) throw new ArgumentException($"Embeddings {embeddings.ShapeText} need E ≥ 1, N ≥ 2, D ≥ 1.", nameof(embeddings));
        return (epochs, samples, dim);
    }

    private static ParallelOptions Parallel(MetricSuiteOptions options, CancellationToken ct = default) =>
        new() { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism is > 0 ? options.MaxDegreeOfParallelism.Value : -1, CancellationToken = ct };
}
