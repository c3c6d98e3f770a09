using HardSamples.Shared.Arrays;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Metrics;
using HardSamples.Shared.Metrics.Shards;
using HardSamples.Shared.Ranking;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Tables;
using HardSamples.Workflow.Jobs;
using HardSamples.Workflow.Steps;
using HardSamples.Workflow.Tests.Fakes;

namespace HardSamples.Workflow.Tests;

/// <summary>
/// A run with <see cref="RunRequest.TestFraction"/>: the real dataset step writes <c>test</c> and <c>train</c>, no
/// probe job trains on a test sample, and the metric, correlation and ranking steps cover the trained samples only.
/// </summary>
public sealed class TestSplitTests
{
    private const string RunId = "r1";
    private static readonly string[] AllProbes = ["ae", "ssft", "ae-ssft", "contrastive"];

    [Theory]
    [InlineData(-0.1)]
    [InlineData(0.51)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_test_fraction_outside_0_to_half_is_rejected_by_name(double fraction)
    {
        var errors = RunRequestValidator.Validate(new RunRequest { TestFraction = fraction });
        var error = Assert.Single(errors);
        Assert.Contains("testFraction", error);
        Assert.Contains("[0, 0.5]", error);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public void A_test_fraction_in_range_is_accepted(double fraction)
        => Assert.Empty(RunRequestValidator.Validate(new RunRequest { TestFraction = fraction }));

    [Fact]
    public async Task Prepared_test_samples_are_in_no_probe_jobs_split()
    {
        var store = new InMemoryArtifactStore();
        var data = await PrepareAsync(store, 0.2);
        var test = await SplitAsync(store, data, "test");
        var train = await SplitAsync(store, data, "train");

        // About a fifth of the samples, stratified; train is exactly the rest.
        Assert.Equal(test.Length, data.TestCount);
        Assert.InRange(test.Length, (int)(0.19 * data.Count), (int)(0.21 * data.Count));
        Assert.Equal(Enumerable.Range(0, data.Count).Except(test), train);
        var manifest = await PreparedDatasetManifestSplitsAsync(store, data);
        Assert.Contains("test", manifest);
        Assert.Contains("train", manifest);

        var jobs = JobPlanner.PlanProbes(RunId, new RunRequest { Probes = AllProbes, TestFraction = 0.2 }, data);
        Assert.Equal(["ae", "ssft-ab", "ssft-ba", "ae-ssft-ab", "ae-ssft-ba", "contrastive"], jobs.Select(j => j.JobId));
        Assert.Equal("train", jobs.Single(j => j.JobId == "ae").Split);
        Assert.Equal("train", jobs.Single(j => j.JobId == "contrastive").Split);
        var trained = new HashSet<int>();
        foreach (var job in jobs)
        {
            foreach (var split in new[] { job.Split, job.SecondSplit }.OfType<string>())
            {
                var ids = await SplitAsync(store, data, split);
                Assert.True(!ids.Intersect(test).Any(), $"job {job.JobId} split {split} holds test samples");
                trained.UnionWith(ids);
            }
        }
        Assert.Equal(train, trained.Order()); // every non-test sample is still probed
        // The automatic AE batch is sized for the samples it trains on.
        Assert.Equal(RunDefaults.AutoencoderBatchFor(train.Length), jobs[0].Settings.BatchSize);
    }

    [Fact]
    public async Task Without_a_test_fraction_the_probes_train_on_all_samples()
    {
        var store = new InMemoryArtifactStore();
        var data = await PrepareAsync(store, 0);
        Assert.Equal(0, data.TestCount);
        Assert.False(await store.ExistsAsync(data.Prefix + "splits/test.npy"));
        Assert.False(await store.ExistsAsync(data.Prefix + "splits/train.npy"));
        var jobs = JobPlanner.PlanProbes(RunId, new RunRequest { Probes = ["ae", "contrastive"] }, data);
        Assert.All(jobs, j => Assert.Equal("all", j.Split));
        Assert.Equal(Enumerable.Range(0, data.Count), await ProbeSamples.ReadAsync(store, data));
    }

    [Fact]
    public async Task Metrics_correlations_and_ranking_have_one_row_per_trained_sample()
    {
        var store = new InMemoryArtifactStore();
        var data = await PrepareAsync(store, 0.2);
        var test = await SplitAsync(store, data, "test");
        var train = await SplitAsync(store, data, "train");
        var injected = (await ReadNpyAsync<int>(store, data.Prefix + "injected.npy")).Data;
        var request = new RunRequest { Probes = ["ae", "ssft"], Epochs = 4, SsftEpochs = 2, TestFraction = 0.2 };
        var jobs = JobPlanner.PlanProbes(RunId, request, data);
        await WriteAutoencoderOutputsAsync(store, jobs[0], train, injected);
        foreach (var ssft in jobs.Skip(1)) await WriteSsftOutputsAsync(store, ssft, await SplitAsync(store, data, ssft.Split));
        var run = new RunArtifacts(RunId, data, jobs.Select(j => new JobOutcome(j.JobId, j.Probe, j.OutputPrefix, JobStatus.Succeeded, 1, false)).ToList());

        var metrics = new MetricStep(store, maxDegreeOfParallelism: 1);
        var plan = await metrics.PlanAsync(new MetricPlanInput(run), default);
        // A GpuRunner metrics job gets the same restriction through its flat settings.
        var nearDup = MetricStep.AutoencoderRequest(run, plan.Shards.Single(sh => sh.Family == "neardup"));
        Assert.Equal("train", AutoencoderShardRequest.FromSettings(nearDup.ToSettings()).SampleSplit);
        Assert.Throws<InvalidDataException>(() => AutoencoderShardRequest.FromSettings(
            new Dictionary<string, string>(nearDup.ToSettings()) { ["sampleSplit"] = "../test" }));
        var parts = new List<MetricShardResult>();
        foreach (var shard in plan.Shards)
            parts.Add(await metrics.ComputeShardAsync(new MetricShardInput(run, shard, RunLayout.MetricPart(RunId, shard.Id)), default));
        var merged = await metrics.MergeAsync(new MergeMetricsInput(run, plan, parts), default);

        Assert.Equal(train.Length, merged.Rows);
        var table = await ReadMetricsAsync(store, merged);
        Assert.Equal(train, table.SampleIndex);
        Assert.True(table.Contains("ssft_learn_step") && table.Contains("loss__last") && table.Contains("nn_pixel_dist"), string.Join(", ", table.Names));
        // The pixel near-duplicate search stays among the trained samples and names them by sample id: the injected
        // near-duplicates whose original is also trained are found, none involving a test sample is.
        var pairs = (await ReadTextAsync(store, RunLayout.Result(RunId, "near_duplicates.csv"))).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split(',')).Select(f => (A: int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), B: int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var partner = (await ReadNpyAsync<int>(store, data.Prefix + "partner.npy")).Data;
        var trainedCopies = train.Where(id => injected[id] == 3 && train.Contains(partner[id])).Select(id => (Math.Min(id, partner[id]), Math.Max(id, partner[id]))).ToList();
        Assert.NotEmpty(trainedCopies);
        Assert.All(trainedCopies, c => Assert.Contains(c, pairs));
        Assert.All(pairs, p => Assert.True(!test.Contains(p.A) && !test.Contains(p.B), $"pair {p} names a test sample"));

        var results = new ResultsStep(store, new InMemoryTableStore());
        var correlations = await results.CorrelateAsync(new CorrelateInput(run, merged), default);
        // The planted loss signal (mixtures reconstruct worse) is found on the trained rows, looked up by sample id.
        var mixture = correlations.Best.Single(b => b.Target == "mixture");
        Assert.True(mixture.AucOriented > 0.95, $"{mixture.Metric} {mixture.AucOriented}");
        var ranking = await results.RankAsync(new RankInput(run, merged, correlations), default);
        Assert.Equal(train.Length, ranking.Rows);
        var ranked = await RankingBuilder.TryReadAsync(store, RunId);
        Assert.Equal(train, ranked!.Rows.Select(r => r.SampleId).Order());
        Assert.DoesNotContain(ranked.Rows, r => test.Contains(r.SampleId));
    }

    [Fact]
    public async Task Autoencoder_outputs_over_the_test_samples_are_refused()
    {
        var store = new InMemoryArtifactStore();
        var data = await PrepareAsync(store, 0.2);
        var injected = (await ReadNpyAsync<int>(store, data.Prefix + "injected.npy")).Data;
        var job = JobPlanner.PlanProbes(RunId, new RunRequest { Probes = ["ae"], Epochs = 4 }, data)[0];
        await WriteAutoencoderOutputsAsync(store, job, Enumerable.Range(0, data.Count).ToArray(), injected); // trained on "all"
        var run = new RunArtifacts(RunId, data, [new JobOutcome(job.JobId, job.Probe, job.OutputPrefix, JobStatus.Succeeded, 1, false)]);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new MetricStep(store).PlanAsync(new MetricPlanInput(run), default));
        Assert.Contains("held out for test", error.Message);
    }

    private static Task<PreparedDatasetRef> PrepareAsync(IArtifactStore store, double testFraction)
        => new DatasetStep(store, null).PrepareAsync(
            new PrepareDatasetInput(RunId, "mnist-sample", null, 600, new CorruptionRequest(), 91, 250, RunLayout.Data(RunId), testFraction), default);

    /// <summary>AE outputs over <paramref name="ids"/> (rows in that order): loss and embedding norm grow for mixtures.</summary>
    private static async Task WriteAutoencoderOutputsAsync(IArtifactStore store, JobSpec job, int[] ids, int[] injected)
    {
        const int dims = 6;
        var rng = new Random(5);
        int epochs = job.Epochs, n = ids.Length;
        var embeddings = new float[epochs * n * dims];
        var losses = new float[epochs * n];
        for (var e = 0; e < epochs; e++)
        {
            for (var i = 0; i < n; i++)
            {
                var mixed = injected[ids[i]] == 1;
                losses[e * n + i] = (float)((mixed ? 0.6 : 0.3) / (1 + e) + 0.02 * rng.NextDouble());
                for (var d = 0; d < dims; d++) embeddings[(e * n + i) * dims + d] = (float)(rng.NextDouble() + (mixed ? 0.5 : 0));
            }
        }
        await PutNpyAsync(store, job.OutputPrefix + "embeddings.npy", embeddings, [epochs, n, dims]);
        await PutNpyAsync(store, job.OutputPrefix + "losses.npy", losses, [epochs, n]);
        await PutNpyAsync(store, job.OutputPrefix + "sample_index.npy", ids, [n]);
    }

    /// <summary>SSFT outputs of one direction whose first split is <paramref name="first"/>.</summary>
    private static async Task WriteSsftOutputsAsync(IArtifactStore store, JobSpec job, int[] first)
    {
        var rng = new Random(job.JobId.Length);
        int n = first.Length, learnEpochs = job.Epochs, logs = job.Epochs * job.Settings.EvalsPerEpoch;
        var order = new int[learnEpochs * n];
        var score = new float[learnEpochs * n];
        var correct = new byte[learnEpochs * n];
        for (var e = 0; e < learnEpochs; e++)
        {
            var perm = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).ToArray();
            for (var k = 0; k < n; k++)
            {
                order[e * n + k] = perm[k];
                score[e * n + k] = (float)rng.NextDouble();
                correct[e * n + k] = score[e * n + k] > 0.5f ? (byte)1 : (byte)0;
            }
        }
        var forget = Enumerable.Range(0, logs * n).Select(_ => (float)rng.NextDouble()).ToArray();
        await ArtifactJson.WriteAsync(store, job.OutputPrefix + "job.json", job);
        await PutNpyAsync(store, job.OutputPrefix + "sample_index.npy", first, [n]);
        await PutNpyAsync(store, job.OutputPrefix + "learn_order.npy", order, [learnEpochs, n]);
        await PutNpyAsync(store, job.OutputPrefix + "learn_score.npy", score, [learnEpochs, n]);
        await PutNpyAsync(store, job.OutputPrefix + "learn_correct.npy", correct, [learnEpochs, n]);
        await PutNpyAsync(store, job.OutputPrefix + "forget_prob.npy", forget, [logs, n]);
    }

    private static async Task<int[]> SplitAsync(IArtifactStore store, PreparedDatasetRef data, string split)
        => split == "all" ? Enumerable.Range(0, data.Count).ToArray() : (await ReadNpyAsync<int>(store, data.Prefix + $"splits/{split}.npy")).Data;

    private static async Task<IReadOnlyList<string>> PreparedDatasetManifestSplitsAsync(IArtifactStore store, PreparedDatasetRef data)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await ReadTextAsync(store, data.Prefix + "manifest.json"));
        return doc.RootElement.GetProperty("splits").EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    private static async Task<MetricTable> ReadMetricsAsync(IArtifactStore store, MergedMetricsRef merged)
    {
        await using var s = await store.OpenReadAsync(merged.ParquetName);
        using var buffer = new MemoryStream();
        await s.CopyToAsync(buffer);
        buffer.Position = 0;
        return await MetricTableReader.ReadParquetAsync(buffer);
    }

    private static async Task<NdArray<T>> ReadNpyAsync<T>(IArtifactStore store, string name) where T : unmanaged
    {
        await using var s = await store.OpenReadAsync(name);
        using var buffer = new MemoryStream();
        await s.CopyToAsync(buffer);
        buffer.Position = 0;
        return Npy.Read<T>(buffer, name);
    }

    private static async Task<string> ReadTextAsync(IArtifactStore store, string name)
    {
        await using var s = await store.OpenReadAsync(name);
        using var reader = new StreamReader(s);
        return await reader.ReadToEndAsync();
    }

    private static Task PutNpyAsync<T>(IArtifactStore store, string name, T[] values, long[] shape) where T : unmanaged
        => store.PutAsync(name, new MemoryStream(Npy.ToBytes<T>(values, shape)));
}
