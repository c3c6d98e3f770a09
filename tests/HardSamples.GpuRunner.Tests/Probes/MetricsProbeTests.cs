using HardSamples.GpuRunner.Tests.Support;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Metrics;
using HardSamples.Shared.Metrics.Kernels;
using HardSamples.Shared.Metrics.Shards;
using HardSamples.TestSupport;

namespace HardSamples.GpuRunner.Tests.Probes;

/// <summary>GpuRunner <c>metrics</c> jobs: heavy metric shards computed from stored autoencoder arrays.</summary>
[Collection(TorchCollection.Name)]
public sealed class MetricsProbeTests
{
    private const int Epochs = 4, Samples = 120, Dim = 6;

    private static async Task<InMemoryArtifactStore> StoreWithAutoencoderOutputsAsync(int seed = 3)
    {
        var store = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(store, "run1/data/", 16);
        var random = new Random(seed);
        var embeddings = new float[Epochs * Samples * Dim];
        for (var i = 0; i < embeddings.Length; i++) embeddings[i] = (float)random.NextDouble();
        // Two exact near-duplicates at the last epoch.
        for (var d = 0; d < Dim; d++) embeddings[((Epochs - 1) * Samples + 7) * Dim + d] = embeddings[((Epochs - 1) * Samples + 3) * Dim + d] + 1e-6f;
        var losses = new float[Epochs * Samples];
        for (var i = 0; i < losses.Length; i++) losses[i] = (float)random.NextDouble();
        await store.PutAsync("run1/probes/ae/embeddings.npy", new MemoryStream(Npy.ToBytes<float>(embeddings, [Epochs, Samples, Dim])));
        await store.PutAsync("run1/probes/ae/losses.npy", new MemoryStream(Npy.ToBytes<float>(losses, [Epochs, Samples])));
        return store;
    }

    private static JobSpec MetricsSpec(string family, int epoch) => TestData.Spec(ProbeKind.Metrics, "metrics-" + family, epochs: 1) with
    {
        OutputPrefix = $"run1/metrics/parts/{family}/",
        Settings = new ProbeSettings
        {
            Extra = new Dictionary<string, string>(new AutoencoderShardRequest(family, epoch, 0, 0, Epochs, "run1/probes/ae/", "run1/data/").ToSettings()) { ["key"] = $"epoch-{epoch}" },
        },
    };

    [Fact]
    public async Task ALidJobWritesTheSamePartAsTheMetricEngine()
    {
        var store = await StoreWithAutoencoderOutputsAsync();
        var spec = MetricsSpec("lid", 2);

        var result = await ProbeRunner.RunAsync(spec, store);

        Assert.True(result.Status == JobStatus.Succeeded, result.Error);
        Assert.Contains(result.Artifacts, a => a.Name == spec.OutputPrefix + "values.npy");
        var part = await MetricPartStore.ReadAsync(store, spec.OutputPrefix);
        var embeddings = TestData.Array<float>(store, "run1/probes/ae/embeddings.npy");
        var losses = TestData.Array<float>(store, "run1/probes/ae/losses.npy");
        var expected = MetricSuite.ComputeUnit(new MetricWorkUnit(MetricFamily.Lid, 2, 0, 0), embeddings, losses,
            AutoencoderShards.SuiteOptions(Epochs), CpuDistanceKernel.Default);
        Assert.Equal(expected.Columns.Select(c => c.Name), part.Names);
        Assert.NotEmpty(part.Names);
        for (var c = 0; c < part.Names.Count; c++)
            Assert.Equal(expected.Columns[c].Values, part.Values[c]);
        Assert.All(part.Values, column => Assert.Equal(Samples, column.Length));
    }

    [Fact]
    public async Task ANearDuplicateJobFindsAShiftedNoisyCopyInTheImages()
    {
        var store = await StoreWithAutoencoderOutputsAsync();
        // Sample 7 becomes sample 3 shifted one pixel right plus a little noise.
        var samples = TestData.Array<float>(store, "run1/data/samples.npy");
        var random = new Random(1);
        for (var y = 0; y < 28; y++)
            for (var x = 0; x < 28; x++)
                samples.Data[7 * 784 + y * 28 + x] = (x == 0 ? samples.Data[3 * 784 + y * 28] : samples.Data[3 * 784 + y * 28 + x - 1]) + (float)(random.NextDouble() - 0.5) * 0.04f;
        await store.PutAsync("run1/data/samples.npy", new MemoryStream(Npy.ToBytes<float>(samples.Data, samples.Shape)));
        var spec = MetricsSpec("neardup", 0) with { Settings = new ProbeSettings { Extra = new Dictionary<string, string>(MetricsSpec("neardup", 0).Settings.Extra) { ["aePrefix"] = "" } } };

        var result = await ProbeRunner.RunAsync(spec, store);

        Assert.True(result.Status == JobStatus.Succeeded, result.Error);
        var part = await MetricPartStore.ReadAsync(store, spec.OutputPrefix);
        Assert.StartsWith("sample_a,sample_b,distance\n3,7,", part.PairsCsv);
        Assert.Equal(1, part.PairsCsv!.Count(c => c == '\n') - 1); // no other pair among distinct digits
        Assert.Equal([AutoencoderShards.NearestPixelDistanceColumn], part.Names);
        var nearest = part.Values[0];
        Assert.Equal(16, nearest.Length);
        Assert.True(nearest[7] < 0.05 && nearest[3] < 0.05, $"{nearest[3]}, {nearest[7]}");
        Assert.All(nearest.Where((_, i) => i is not 3 and not 7), d => Assert.True(d > 0.2, d.ToString()));
    }

    [Fact]
    public async Task AStoredResultIsReusedUntilTheAutoencoderOutputsChange()
    {
        var store = await StoreWithAutoencoderOutputsAsync();
        var spec = MetricsSpec("silhouette", 1);
        var first = await ProbeRunner.RunAsync(spec, store);
        Assert.True(first.Status == JobStatus.Succeeded, first.Error);
        Assert.Equal(first.FinishedAt, (await ProbeRunner.RunAsync(spec, store)).FinishedAt);

        var other = await StoreWithAutoencoderOutputsAsync(seed: 4);
        await store.PutAsync("run1/probes/ae/embeddings.npy", new MemoryStream(other.Bytes("run1/probes/ae/embeddings.npy")));
        var again = await ProbeRunner.RunAsync(spec, store);
        Assert.NotEqual(first.Fingerprint, again.Fingerprint);
        Assert.NotEqual(first.FinishedAt, again.FinishedAt);
    }

    [Fact]
    public async Task BadSettingsOrMissingArraysFailWithAReadableError()
    {
        var store = await StoreWithAutoencoderOutputsAsync();
        var unknown = MetricsSpec("lid", 1) with { Settings = new ProbeSettings { Extra = new Dictionary<string, string>(MetricsSpec("lid", 1).Settings.Extra) { ["family"] = "ssft" } } };
        var failed = await ProbeRunner.RunAsync(unknown, store);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Contains("'ssft' is not computed from autoencoder outputs", failed.Error);

        var missing = MetricsSpec("lid", 1) with { Settings = new ProbeSettings { Extra = new Dictionary<string, string>(MetricsSpec("lid", 1).Settings.Extra) { ["aePrefix"] = "run1/probes/none/" } } };
        var absent = await ProbeRunner.RunAsync(missing, store);
        Assert.Equal(JobStatus.Failed, absent.Status);
        Assert.Contains("run1/probes/none/embeddings.npy", absent.Error);
        Assert.False(await store.ExistsAsync(missing.OutputPrefix + "part.json"));
    }
}
