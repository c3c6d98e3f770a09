using System.Globalization;
using System.Text;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Metrics;
using HardSamples.Shared.Metrics.Extended;
using HardSamples.Shared.Metrics.Kernels;
using HardSamples.Shared.Metrics.Shards;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Tables;

namespace HardSamples.Workflow.Steps;

/// <summary>
/// The real metric step on the metric engine (<see cref="MetricSuite"/>, <see cref="SsftTimes"/>):
/// <list type="bullet">
/// <item>autoencoder families from <c>embeddings.npy</c>/<c>losses.npy</c>: <c>series</c> per sample shard, <c>lid</c> and
/// <c>silhouette</c> per snapshot epoch, <c>extended</c> at the last epoch (all but the series are heavy);</item>
/// <item><c>ssim</c>: aggregates of the per-sample SSIM series the autoencoder recorded;</item>
/// <item><c>neardup</c>: near-duplicate pairs in pixel space, tolerant to small shifts (<see cref="PixelNearDuplicates"/>, heavy)
/// → <c>results/near_duplicates.csv</c> and the per-sample column <c>nn_pixel_dist</c>;</item>
/// <item><c>ssft</c> / <c>aessft</c>: learning and forgetting times of each direction's first split, the learning
/// phase's training dynamics (confidence, variability, correctness) and the held-out true-class probability;</item>
/// <item><c>contrastive</c>: aggregates of the Barlow Twins probe's per-sample view correlations (<c>bt_self_corr__…</c>,
/// <c>bt_cross_corr__…</c>).</item>
/// </list>
/// Each shard writes <c>part.json</c> (columns, rows) and <c>values.npy</c> (float64 [columns, rows]) under its prefix;
/// the merge assembles <c>results/metrics.csv</c> and <c>results/metrics.parquet</c> (one row per sample the probes
/// trained on, <c>idx</c> first: every sample, or the <c>train</c> split when the run holds out a test split; see
/// <see cref="ProbeSamples"/>). Shard rows are positions in that list; SSFT and near-duplicate outputs are mapped by sample id.
/// </summary>
public sealed class MetricStep(IArtifactStore store, int? maxDegreeOfParallelism = null) : IMetricStep
{
    /// <summary>Autoencoder job id.</summary>
    public const string AutoencoderJob = "ae";

    /// <inheritdoc />
    public async Task<MetricPlan> PlanAsync(MetricPlanInput input, CancellationToken cancellationToken)
    {
        var run = input.Run;
        var shards = new List<MetricShardSpec>();
        if (Job(run, ProbeKind.Autoencoder) is { } ae)
        {
            var (epochs, samples) = await AeShapeAsync(ae, cancellationToken);
            if (samples != ProbeSamples.Count(run.Dataset))
                throw new InvalidDataException($"{ae.OutputPrefix}losses.npy covers {samples} samples; the run's probes train on {ProbeSamples.Count(run.Dataset)} ({run.Dataset.Count} prepared, {run.Dataset.TestCount} held out for test).");
            var options = AutoencoderShards.SuiteOptions(epochs);
            foreach (var unit in MetricSuite.Plan(epochs, samples, options, run.Dataset.Count <= 0 ? int.MaxValue : ShardRows(run)))
            {
                var family = unit.Family.ToString().ToLowerInvariant();
                var key = unit.Family == MetricFamily.Series ? $"rows-{unit.RowStart:0000000}" : $"epoch-{unit.Epoch:0000}";
                shards.Add(new MetricShardSpec(family, key, unit.Family != MetricFamily.Series, Params(
                    ("epoch", unit.Epoch), ("rowStart", unit.RowStart), ("rowCount", unit.RowCount), ("epochs", epochs))));
            }
            if (await store.ExistsAsync(ae.OutputPrefix + "ssim_gauss11.npy", cancellationToken))
                shards.Add(new MetricShardSpec("ssim", "all", false, Params(("epochs", epochs))));
        }
        foreach (var job in run.Jobs.Where(j => j.Probe is ProbeKind.Ssft or ProbeKind.AeSsft))
            shards.Add(new MetricShardSpec(job.Probe == ProbeKind.Ssft ? "ssft" : "aessft", job.JobId, false, new Dictionary<string, string> { ["job"] = job.JobId }));
        foreach (var job in run.Jobs.Where(j => j.Probe == ProbeKind.Contrastive))
            shards.Add(new MetricShardSpec("contrastive", job.JobId, false, new Dictionary<string, string> { ["job"] = job.JobId }));
        if (shards.Count == 0)
            throw new InvalidOperationException("No probe produced outputs the metric step can use (run the 'ae', 'ssft' or 'contrastive' probe).");
        // Near-duplicates are searched in pixel space (any probe set): heavy, O(N²) candidate search.
        shards.Add(new MetricShardSpec("neardup", "pixels", true, Params(("epoch", 0), ("epochs", 0))));
        return new MetricPlan(shards);
    }

    /// <inheritdoc />
    public async Task<MetricShardResult> ComputeShardAsync(MetricShardInput input, CancellationToken cancellationToken)
    {
        var shard = input.Shard;
        var run = input.Run;
        MetricPart part;
        switch (shard.Family)
        {
            case "series" or "lid" or "silhouette" or "extended" or "neardup":
                part = await AutoencoderShards.ComputeAsync(store, AutoencoderRequest(run, shard), Kernel(), cancellationToken);
                break;
            case "ssim":
                part = await SsimAsync(Job(run, ProbeKind.Autoencoder)!, Int(shard, "epochs"), cancellationToken);
                break;
            case "ssft" or "aessft":
                part = await SsftAsync(run, run.Jobs.Single(j => j.JobId == shard.Parameters["job"]), shard.Family, cancellationToken);
                break;
            case "contrastive":
                part = await ContrastiveAsync(run, run.Jobs.Single(j => j.JobId == shard.Parameters["job"]), cancellationToken);
                break;
            default:
                throw new ArgumentException($"Unknown metric family '{shard.Family}'.");
        }
        await MetricPartStore.WriteAsync(store, input.OutputPrefix, part, cancellationToken);
        return new MetricShardResult(shard.Id, input.OutputPrefix, part.Names.Count);
    }

    /// <inheritdoc />
    public async Task<MergedMetricsRef> MergeAsync(MergeMetricsInput input, CancellationToken cancellationToken)
    {
        var run = input.Run;
        var rows = await ProbeSamples.ReadAsync(store, run.Dataset, cancellationToken);
        var n = rows.Length;
        var extra = new List<(string Name, double[] Values)>();
        var suiteShards = new List<MetricShard>();
        int? epochs = null;
        var byId = input.Plan.Shards.ToDictionary(s => s.Id);
        string? pairs = null;
        foreach (var result in input.Parts)
        {
            var spec = byId[result.ShardId];
            var part = await MetricPartStore.ReadAsync(store, result.OutputPrefix, cancellationToken);
            switch (spec.Family)
            {
                case "series" or "lid" or "silhouette" or "extended":
                    epochs = Int(spec, "epochs");
                    var unit = new MetricWorkUnit(Enum.Parse<MetricFamily>(spec.Family, ignoreCase: true), Int(spec, "epoch"), Int(spec, "rowStart"), Int(spec, "rowCount"));
                    suiteShards.Add(new MetricShard(unit, part.Names.Select((name, c) => new MetricColumn(name, part.Values[c])).ToList()));
                    break;
                case "neardup":
                    pairs = part.PairsCsv;
                    for (var c = 0; c < part.Names.Count; c++) Fill(extra, part.Names[c], part.RowStart, part.Values[c], n);
                    break;
                default:
                    for (var c = 0; c < part.Names.Count; c++) Fill(extra, part.Names[c], part.RowStart, part.Values[c], n);
                    break;
            }
        }
        var table = epochs is { } e ? MetricSuite.Merge(suiteShards, e, n, AutoencoderShards.SuiteOptions(e)) : new MetricTable(n);
        if (run.Dataset.TestCount > 0) table = WithSampleIds(table, rows);
        foreach (var (name, values) in extra)
        {
            var missing = Array.FindIndex(values, double.IsNaN);
            if (missing >= 0)
                throw new InvalidDataException($"Metric column '{name}' has no value for sample {missing} (no shard covered it).");
            table.Add(name, values);
        }
        var csv = new MemoryStream();
        MetricTableWriter.WriteCsv(csv, table);
        var parquet = new MemoryStream();
        await MetricTableWriter.WriteParquetAsync(parquet, table, cancellationToken);
        var csvName = RunLayout.Result(run.RunId, "metrics.csv");
        var parquetName = RunLayout.Result(run.RunId, "metrics.parquet");
        await store.PutAsync(parquetName, new MemoryStream(parquet.ToArray()), new ArtifactPutOptions(ContentType: "application/vnd.apache.parquet"), cancellationToken);
        if (pairs is not null)
            await store.PutAsync(RunLayout.Result(run.RunId, "near_duplicates.csv"), new MemoryStream(Encoding.UTF8.GetBytes(pairs)), new ArtifactPutOptions(ContentType: "text/csv"), cancellationToken);
        await store.PutAsync(csvName, new MemoryStream(csv.ToArray()), new ArtifactPutOptions(ContentType: "text/csv"), cancellationToken);
        return new MergedMetricsRef(parquetName, csvName, n, table.Columns.Count);
    }

    /// <summary>The shard request of an autoencoder-derived family or the near-duplicate search (also what a GpuRunner <c>metrics</c> job carries).</summary>
    /// <exception cref="InvalidOperationException">An autoencoder family without an autoencoder job in the run.</exception>
    public static AutoencoderShardRequest AutoencoderRequest(RunArtifacts run, MetricShardSpec shard)
    {
        int Get(string key) => shard.Parameters.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : 0;
        var ae = Job(run, ProbeKind.Autoencoder)?.OutputPrefix;
        if (ae is null && shard.Family != "neardup")
            throw new InvalidOperationException($"Metric shard '{shard.Id}' needs the autoencoder job's outputs; the run has none.");
        // With a held-out test split the near-duplicate search stays among the trained samples (the table's rows).
        var split = run.Dataset.TestCount > 0 ? ProbeSamples.Split(run.Dataset) : "";
        return new AutoencoderShardRequest(shard.Family, Get("epoch"), Get("rowStart"), Get("rowCount"), Get("epochs"), ae ?? "", run.Dataset.Prefix, split);
    }

    private IDistanceKernel Kernel() => maxDegreeOfParallelism is { } dop ? new CpuDistanceKernel(dop) : CpuDistanceKernel.Default;

    private static int ShardRows(RunArtifacts run) => Math.Max(1, (int)Math.Ceiling(run.Dataset.Count / (double)Math.Max(1, run.Dataset.Shards.Count)));

    private static JobOutcome? Job(RunArtifacts run, ProbeKind kind) => run.Jobs.FirstOrDefault(j => j.Probe == kind);

    private async Task<(int Epochs, int Samples)> AeShapeAsync(JobOutcome ae, CancellationToken ct)
    {
        await using var s = await store.OpenReadAsync(ae.OutputPrefix + "losses.npy", ct);
        var header = Npy.ReadHeader(s, ae.OutputPrefix + "losses.npy");
        if (header.Shape.Length != 2) throw new InvalidDataException($"{ae.OutputPrefix}losses.npy must be [E, N]; it is [{string.Join(", ", header.Shape)}].");
        return ((int)header.Shape[0], (int)header.Shape[1]);
    }

    private Task<NdArray<T>> ReadNpyAsync<T>(string name, CancellationToken ct) where T : unmanaged => StoreArrays.ReadAsync<T>(store, name, ct);

    private Task<MetricPart> SsimAsync(JobOutcome ae, int epochs, CancellationToken ct) =>
        SeriesAsync(ae.OutputPrefix, "ssim_epochs.npy", [("ssim_gauss11", "ssim_gauss11"), ("ssim_box7", "ssim_box7")], epochs, null, 0, ct);

    /// <summary>The Barlow Twins probe's per-sample view correlations (<c>self_corr</c>, <c>cross_corr</c>) as series aggregates.</summary>
    private async Task<MetricPart> ContrastiveAsync(RunArtifacts run, JobOutcome job, CancellationToken ct)
    {
        var recorded = (await ReadNpyAsync<int>(job.OutputPrefix + "record_epochs.npy", ct)).Data;
        var index = (await ReadNpyAsync<int>(job.OutputPrefix + "sample_index.npy", ct)).Data;
        var epochs = recorded.Length == 0 ? 1 : recorded.Max() + 1;
        // Sample ids → table rows (the trained samples: all, or all but a held-out test split).
        var rowOf = ProbeSamples.RowOf(await ProbeSamples.ReadAsync(store, run.Dataset, ct));
        var rows = index.Select(id => rowOf.TryGetValue(id, out var r) ? r
            : throw new InvalidDataException($"{job.OutputPrefix}sample_index.npy names sample {id}, which the probes must not train on (held-out test split or out of range).")).ToArray();
        return await SeriesAsync(job.OutputPrefix, "record_epochs.npy", [("self_corr", "bt_self_corr"), ("cross_corr", "bt_cross_corr")], epochs, rows, rowOf.Count, ct);
    }

    /// <summary>
    /// Aggregates (<see cref="SeriesAggregates"/>) of per-sample series <c>[S, n]</c> recorded at the epochs listed in
    /// <paramref name="epochsFile"/>; with <paramref name="index"/> the n local rows are spread over all samples (NaN elsewhere).
    /// </summary>
    private async Task<MetricPart> SeriesAsync(string prefix, string epochsFile, (string File, string Column)[] kinds, int epochs, int[]? index, int total, CancellationToken ct)
    {
        var recorded = (await ReadNpyAsync<int>(prefix + epochsFile, ct)).Data;
        var options = AutoencoderShards.SuiteOptions(epochs);
        var names = new List<string>();
        var values = new List<double[]>();
        foreach (var (file, column) in kinds)
        {
            var name = prefix + file + ".npy";
            if (!await store.ExistsAsync(name, ct)) continue;
            var series = await ReadNpyAsync<float>(name, ct);
            if (series.Rank != 2) throw new InvalidDataException($"{name} must be [snapshots, samples]; it is [{string.Join(", ", series.Shape)}].");
            int s = series.Dim(0), n = series.Dim(1);
            if (s != recorded.Length) throw new InvalidDataException($"{name} has {s} snapshots but {epochsFile} lists {recorded.Length}.");
            if (index is not null && index.Length != n) throw new InvalidDataException($"{name} has {n} samples but sample_index.npy lists {index.Length}.");
            var plan = SeriesAggregates.Plan(column, recorded, options.Ks, withDiffLast: true);
            var rows = index is null ? n : total;
            var outputs = plan.Select(_ => { var a = new double[rows]; if (index is not null) Array.Fill(a, double.NaN); return a; }).ToArray();
            var row = new double[s];
            var buffer = new double[plan.Count];
            for (var i = 0; i < n; i++)
            {
                for (var t = 0; t < s; t++) row[t] = series.Data[t * n + i];
                SeriesAggregates.Evaluate(plan, row, buffer);
                var target = index is null ? i : index[i];
                if ((uint)target >= (uint)rows) throw new InvalidDataException($"{prefix}sample_index.npy names sample {target}, outside 0..{rows - 1}.");
                for (var c = 0; c < plan.Count; c++) outputs[c][target] = buffer[c];
            }
            names.AddRange(plan.Select(p => p.Name));
            values.AddRange(outputs);
        }
        return new MetricPart(names, 0, values, null);
    }

    private async Task<MetricPart> SsftAsync(RunArtifacts run, JobOutcome job, string prefix, CancellationToken ct)
    {
        var spec = await ArtifactJson.ReadAsync<JobSpec>(store, job.OutputPrefix + "job.json", ct);
        var index = (await ReadNpyAsync<int>(job.OutputPrefix + "sample_index.npy", ct)).Data;
        var n = index.Length;
        var order = await ReadNpyAsync<int>(job.OutputPrefix + "learn_order.npy", ct);
        var score = await ReadNpyAsync<float>(job.OutputPrefix + "learn_score.npy", ct);
        var forget = await ReadNpyAsync<float>(job.OutputPrefix + "forget_prob.npy", ct);
        var threshold = spec.Settings.Threshold;
        var learning = SsftTimes.Learning<float>(order.Data, score.Data, n, threshold);
        var secondCount = spec.SecondSplit is { } second ? await SplitCountAsync(run.Dataset.Prefix, second, ct) : n;
        var steps = Math.Max(1, (int)Math.Ceiling(secondCount / (double)Math.Max(1, spec.Settings.BatchSize)));
        var forgetting = SsftTimes.Forgetting<float>(forget.Data, n, Math.Max(1, spec.Settings.EvalsPerEpoch), steps, threshold);
        // Columns over all table rows: this direction fills its first split, the other direction fills the rest.
        var rows = await ProbeSamples.ReadAsync(store, run.Dataset, ct);
        var rowOf = ProbeSamples.RowOf(rows);
        foreach (var id in index)
            if (!rowOf.ContainsKey(id)) throw new InvalidDataException($"{job.OutputPrefix}sample_index.npy names sample {id}, which the probes must not train on (held-out test split or out of range).");
        double[] Spread<T>(T[] local) where T : struct, IConvertible
        {
            var full = new double[rows.Length];
            Array.Fill(full, double.NaN);
            for (var i = 0; i < n; i++) full[rowOf[index[i]]] = Convert.ToDouble(local[i], CultureInfo.InvariantCulture);
            return full;
        }
        // Training dynamics of the learning phase (by sample) and the held-out view of the forgetting phase: the mean
        // true-class probability of the first split while the network trains on the second one.
        var learnCorrect = await ReadNpyAsync<byte>(job.OutputPrefix + "learn_correct.npy", ct);
        var bySampleScore = BySample(order.Data, score.Data, n);
        var bySampleCorrect = BySample(order.Data, learnCorrect.Data, n);
        var dynamics = TrainingDynamics.Compute<float, byte>(bySampleScore, bySampleCorrect, n);
        var logs = forget.Data.Length / n;
        var heldOut = new double[n];
        for (var t = 0; t < logs; t++)
            for (var i = 0; i < n; i++) heldOut[i] += forget.Data[t * n + i] / (double)logs;
        return new MetricPart(
            [$"{prefix}_learn_epoch", $"{prefix}_learn_step", $"{prefix}_forget_epoch", $"{prefix}_forget_step",
             $"{prefix}_confidence", $"{prefix}_variability", $"{prefix}_correctness", $"{prefix}_heldout_prob"], 0,
            [Spread(learning.Epoch), Spread(learning.StepWithSentinel), Spread(forgetting.Epoch), Spread(forgetting.StepWithSentinel),
             Spread(dynamics.Confidence), Spread(dynamics.Variability), Spread(dynamics.Correctness), Spread(heldOut)], null);
    }

    /// <summary>The same columns over rows keyed by <paramref name="sampleIds"/> (the <c>idx</c> column).</summary>
    private static MetricTable WithSampleIds(MetricTable table, int[] sampleIds)
    {
        var keyed = new MetricTable(sampleIds);
        foreach (var column in table.Columns) keyed.Add(column);
        return keyed;
    }

    /// <summary>Reorders <c>[E, n]</c> values from presentation order to sample order.</summary>
    private static T[] BySample<T>(int[] order, T[] values, int n) where T : unmanaged
    {
        var result = new T[values.Length];
        for (var k = 0; k < values.Length; k++) result[k / n * n + order[k]] = values[k];
        return result;
    }

    private async Task<int> SplitCountAsync(string dataPrefix, string split, CancellationToken ct)
    {
        var name = dataPrefix + $"splits/{split}.npy";
        await using var s = await store.OpenReadAsync(name, ct);
        return (int)Npy.ReadHeader(s, name).Count;
    }

    /// <summary>Fills a merged column from a partial one (NaN = no value there, e.g. the other SSFT direction's samples).</summary>
    private static void Fill(List<(string Name, double[] Values)> columns, string name, int rowStart, double[] values, int n)
    {
        var index = columns.FindIndex(c => c.Name == name);
        if (index < 0)
        {
            var blank = new double[n];
            Array.Fill(blank, double.NaN);
            columns.Add((name, blank));
            index = columns.Count - 1;
        }
        var target = columns[index].Values;
        if (rowStart + values.Length > n) throw new InvalidDataException($"Partial column '{name}' ends at row {rowStart + values.Length}, beyond {n} samples.");
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i])) continue;
            if (!double.IsNaN(target[rowStart + i])) throw new InvalidDataException($"Partial columns '{name}' overlap at sample {rowStart + i}.");
            target[rowStart + i] = values[i];
        }
    }

    private static int Int(MetricShardSpec spec, string key) => int.Parse(spec.Parameters[key], CultureInfo.InvariantCulture);

    private static Dictionary<string, string> Params(params (string Key, int Value)[] values)
        => values.ToDictionary(v => v.Key, v => v.Value.ToString(CultureInfo.InvariantCulture));
}
