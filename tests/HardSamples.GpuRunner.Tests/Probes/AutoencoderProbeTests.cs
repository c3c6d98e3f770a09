using HardSamples.GpuRunner.Tests.Support;
using HardSamples.Shared.Contracts;

namespace HardSamples.GpuRunner.Tests.Probes;

[Collection(TorchCollection.Name)]
public sealed class AutoencoderProbeTests
{
    private const int N = 600;

    [Fact]
    public async Task WritesEveryArrayWithTheContractShapesAndDtypes()
    {
        var store = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(store, "run1/data/", N);
        var spec = TestData.Spec(ProbeKind.Autoencoder, "ae", epochs: 2, s => s with { SsimEvery = 2 });

        var result = await ProbeRunner.RunAsync(spec, store);

        Assert.True(result.Status == JobStatus.Succeeded, result.Error);
        var o = spec.OutputPrefix;
        var embeddings = TestData.Array<float>(store, o + "embeddings.npy");
        Assert.Equal([2L, N, 10], embeddings.Shape);
        Assert.All(embeddings.Data, v => Assert.InRange(v, 0f, 1f)); // sigmoid bottleneck
        var losses = TestData.Array<float>(store, o + "losses.npy");
        Assert.Equal([2L, N], losses.Shape);
        Assert.All(losses.Data, v => Assert.True(v > 0 && float.IsFinite(v)));
        Assert.Equal([1L, N], TestData.Array<float>(store, o + "ssim_gauss11.npy").Shape);
        Assert.Equal([1L, N], TestData.Array<float>(store, o + "ssim_box7.npy").Shape);
        Assert.Equal([1], TestData.Array<int>(store, o + "ssim_epochs.npy").Data);
        Assert.Equal([0, 1], TestData.Array<int>(store, o + "record_epochs.npy").Data);
        var trainLoss = TestData.Array<float>(store, o + "train_loss.npy");
        Assert.Equal([2L], trainLoss.Shape);
        Assert.True(trainLoss.Data[1] < trainLoss.Data[0], "the loss should fall over two epochs");
        Assert.Equal(Enumerable.Range(0, N), TestData.Array<int>(store, o + "sample_index.npy").Data);

        // result.json lists every array with shape, dtype and hash; the checkpoint is gone.
        var stored = await ProbeRunner.ReadResultAsync(store, spec);
        Assert.NotNull(stored);
        Assert.Equal(JobStatus.Succeeded, stored!.Status);
        Assert.Equal("cpu", stored.Device);
        var embeddingRef = Assert.Single(stored.Artifacts, a => a.Name == o + "embeddings.npy");
        Assert.Equal("<f4", embeddingRef.DType);
        Assert.Equal([2L, N, 10], embeddingRef.Shape);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(store.Bytes(o + "embeddings.npy"))), embeddingRef.Sha256);
        Assert.Contains("train", stored.Timings.Keys);
        Assert.Empty(store.Names(o + "checkpoint/"));
    }

    [Fact]
    public async Task AJobCancelledAfterEpochTwoResumesToTheSameBytesAsAnUninterruptedRun()
    {
        var spec = TestData.Spec(ProbeKind.Autoencoder, "ae", epochs: 4, s => s with { SsimEvery = 2 });

        var reference = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(reference, "run1/data/", N);
        var uninterrupted = await ProbeRunner.RunAsync(spec, reference);
        Assert.True(uninterrupted.Status == JobStatus.Succeeded, uninterrupted.Error);

        var store = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(store, "run1/data/", N);
        using var cts = new CancellationTokenSource();
        var killer = new SyncProgress(p => { if (p.Epoch == 2) cts.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ProbeRunner.RunAsync(spec, store, killer, cts.Token));
        Assert.False(await store.ExistsAsync(spec.ResultName));
        Assert.False(await store.ExistsAsync(spec.OutputPrefix + "embeddings.npy"));
        Assert.True(await store.ExistsAsync(spec.OutputPrefix + "checkpoint/state.bin"));

        var epochs = new List<int>();
        var resumed = await ProbeRunner.RunAsync(spec, store, new SyncProgress(p => epochs.Add(p.Epoch)));
        Assert.True(resumed.Status == JobStatus.Succeeded, resumed.Error);
        Assert.Equal([3, 4], epochs); // only the missing epochs ran

        Assert.Equal(uninterrupted.Artifacts.Select(a => (a.Name, a.Sha256)), resumed.Artifacts.Select(a => (a.Name, a.Sha256)));
        foreach (var artifact in uninterrupted.Artifacts)
            Assert.Equal(reference.Bytes(artifact.Name), store.Bytes(artifact.Name));
    }

    [Fact]
    public async Task ANonFiniteLossFailsTheJobWithoutWritingArrays()
    {
        var store = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(store, "run1/data/", 200);
        var spec = TestData.Spec(ProbeKind.Autoencoder, "ae", epochs: 3);
        var options = new ProbeRunOptions { InjectNonFiniteLoss = (_, epoch, batch) => epoch == 1 && batch == 0 };

        var result = await ProbeRunner.RunAsync(spec, store, null, options);

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Contains("NaN", result.Error);
        Assert.Contains("epoch 2", result.Error);
        var stored = await ProbeRunner.ReadResultAsync(store, spec);
        Assert.Equal(JobStatus.Failed, stored!.Status);
        Assert.Empty(stored.Artifacts);
        Assert.DoesNotContain(store.Names(spec.OutputPrefix), n => n.EndsWith(".npy") && !n.Contains("/checkpoint/"));

        // A later run without the fault succeeds (a Failed result does not block it).
        var retry = await ProbeRunner.RunAsync(spec, store);
        Assert.True(retry.Status == JobStatus.Succeeded, retry.Error);
    }

    [Fact]
    public async Task AOneOffNonFiniteGradientIsRecomputedOnOneThreadAndCounted()
    {
        var store = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(store, "run1/data/", 200);
        var spec = TestData.Spec(ProbeKind.Autoencoder, "ae", epochs: 2);
        var cleanStore = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(cleanStore, "run1/data/", 200);
        var reference = await ProbeRunner.RunAsync(spec, cleanStore);
        var options = new ProbeRunOptions { InjectNonFiniteGradient = (_, epoch, batch, attempt) => epoch == 1 && batch == 0 && attempt == 1 };

        var result = await ProbeRunner.RunAsync(spec, store, null, options);

        Assert.True(result.Status == JobStatus.Succeeded, result.Error);
        Assert.Equal(1, result.Counters["gradient_retries"]);
        Assert.False(reference.Counters.ContainsKey("gradient_retries"));
        var losses = TestData.Array<float>(store, spec.OutputPrefix + "losses.npy");
        Assert.All(losses.Data, v => Assert.True(float.IsFinite(v)));
        // The recomputed pass uses the same graph and dropout masks: the run ends where the clean run ends (float rounding aside).
        var clean = TestData.Array<float>(cleanStore, spec.OutputPrefix + "losses.npy");
        for (var i = 0; i < losses.Data.Length; i++) Assert.Equal(clean.Data[i], losses.Data[i], 1e-3f);
    }

    [Fact]
    public async Task GradientsThatStayNonFiniteFailTheJobWithAClearError()
    {
        var store = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(store, "run1/data/", 200);
        var spec = TestData.Spec(ProbeKind.Autoencoder, "ae", epochs: 2);
        var options = new ProbeRunOptions { InjectNonFiniteGradient = (_, epoch, batch, _) => epoch == 1 && batch == 0 };

        var result = await ProbeRunner.RunAsync(spec, store, null, options);

        Assert.Equal(JobStatus.Failed, result.Status);
        Assert.Contains("gradients stayed non-finite after 3 backward passes", result.Error);
        Assert.Contains("epoch 2, batch 1", result.Error);
        Assert.DoesNotContain(store.Names(spec.OutputPrefix), n => n.EndsWith(".npy") && !n.Contains("/checkpoint/"));
    }

    [Fact]
    public async Task ASucceededJobIsNotRunAgainUnlessItsSpecChanged()
    {
        var store = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(store, "run1/data/", 100);
        var spec = TestData.Spec(ProbeKind.Autoencoder, "ae", epochs: 1);
        var first = await ProbeRunner.RunAsync(spec, store);
        Assert.True(first.Status == JobStatus.Succeeded, first.Error);
        var puts = store.PutCount;

        var second = await ProbeRunner.RunAsync(spec, store);

        Assert.Equal(puts, store.PutCount);
        Assert.Equal(first.FinishedAt, second.FinishedAt);

        // A changed spec under the same output prefix runs again instead of returning the stale result.
        var changed = await ProbeRunner.RunAsync(spec with { Epochs = 2 }, store);
        Assert.Equal(JobStatus.Succeeded, changed.Status);
        Assert.NotEqual(first.Fingerprint, changed.Fingerprint);
        Assert.Equal([2L, 100, 10], TestData.Array<float>(store, spec.OutputPrefix + "embeddings.npy").Shape);
    }
}
