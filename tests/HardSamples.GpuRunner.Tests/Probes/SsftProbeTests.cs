using HardSamples.GpuRunner.Tests.Support;
using HardSamples.Shared.Contracts;

namespace HardSamples.GpuRunner.Tests.Probes;

[Collection(TorchCollection.Name)]
public sealed class SsftProbeTests
{
    private const int N = 400; // splits A and B of 200 each

    [Theory]
    [InlineData("seed")]
    [InlineData("lenet")]
    public async Task RecordsLearningAndForgettingInTheContractForms(string architecture)
    {
        var store = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(store, "run1/data/", N);
        var spec = TestData.Spec(ProbeKind.Ssft, "ssft-ab", epochs: 2, s => s with { Architecture = architecture, BatchSize = 32 });

        var result = await ProbeRunner.RunAsync(spec, store);

        Assert.True(result.Status == JobStatus.Succeeded, result.Error);
        var o = spec.OutputPrefix;
        var sampleIndex = TestData.Array<int>(store, o + "sample_index.npy").Data;
        Assert.Equal(Enumerable.Range(0, N).Where(i => i % 2 == 0), sampleIndex);
        Assert.Equal(Enumerable.Range(0, N).Where(i => i % 2 == 1), TestData.Array<int>(store, o + "second_index.npy").Data);
        var n = sampleIndex.Length;
        var order = TestData.Array<int>(store, o + "learn_order.npy");
        var e1 = order.Dim(0);
        Assert.InRange(e1, 1, 2);
        Assert.Equal([(long)e1, n], order.Shape);
        for (var e = 0; e < e1; e++)
            Assert.Equal(Enumerable.Range(0, n), order.Data.Skip(e * n).Take(n).Order()); // each epoch sees every sample once
        var score = TestData.Array<float>(store, o + "learn_score.npy");
        Assert.Equal(order.Shape, score.Shape);
        Assert.All(score.Data, p => Assert.InRange(p, 0f, 1f));
        Assert.Equal(order.Shape, TestData.Array<byte>(store, o + "learn_correct.npy").Shape);

        var prob = TestData.Array<float>(store, o + "forget_prob.npy");
        var correct = TestData.Array<byte>(store, o + "forget_correct.npy");
        Assert.Equal([2L * 5, n], prob.Shape); // T = E2 · L
        Assert.Equal(prob.Shape, correct.Shape);
        for (var i = 0; i < prob.Data.Length; i++)
        {
            if (prob.Data[i] > 0.5f) Assert.Equal(1, correct.Data[i]); // p(label) > 0.5 ⇒ argmax = label
        }
        // The first evaluation comes right after phase 1: the learnt split is well above chance (0.1).
        var accuracyAfterLearning = correct.Data.Take(n).Average(b => (double)b);
        var learnAccuracy = TestData.Array<byte>(store, o + "learn_correct.npy").Data.Skip((e1 - 1) * n).Average(b => (double)b);
        Assert.True(accuracyAfterLearning > 0.25, $"accuracy on the first split after phase 1: {accuracyAfterLearning} (when seen in its last epoch: {learnAccuracy})");
        Assert.Equal([(long)e1], TestData.Array<float>(store, o + "learn_loss.npy").Shape);
        Assert.Equal([2L], TestData.Array<float>(store, o + "forget_loss.npy").Shape);
    }

    [Fact]
    public async Task AResumedSsftJobMatchesAnUninterruptedOne()
    {
        // Checkpoints every 2 epochs; the kill comes after the 3rd trained epoch, so epoch 3 is replayed.
        var spec = TestData.Spec(ProbeKind.Ssft, "ssft-ab", epochs: 3, s => s with { BatchSize = 32, Extra = new Dictionary<string, string> { ["learnPatience"] = "9" } })
            with { CheckpointEvery = 2 };
        var reference = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(reference, "run1/data/", 200);
        var uninterrupted = await ProbeRunner.RunAsync(spec, reference);
        Assert.True(uninterrupted.Status == JobStatus.Succeeded, uninterrupted.Error);

        var store = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(store, "run1/data/", 200);
        using var cts = new CancellationTokenSource();
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ProbeRunner.RunAsync(spec, store, new SyncProgress(_ => { if (++seen == 3) cts.Cancel(); }), cts.Token));
        var phases = new List<string>();
        var resumed = await ProbeRunner.RunAsync(spec, store, new SyncProgress(p => phases.Add($"{p.Phase}{p.Epoch}")));

        Assert.True(resumed.Status == JobStatus.Succeeded, resumed.Error);
        Assert.Equal(["learn3", "forget1", "forget2", "forget3"], phases);
        foreach (var artifact in uninterrupted.Artifacts)
            Assert.Equal(reference.Bytes(artifact.Name), store.Bytes(artifact.Name));
    }

    [Fact]
    public async Task TheAutoencoderVariantScoresWithSsimAboveTheThreshold()
    {
        var store = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(store, "run1/data/", 200);
        var spec = TestData.Spec(ProbeKind.AeSsft, "aessft-ab", epochs: 2, s => s with { BatchSize = 32, EvalsPerEpoch = 3 });
        Assert.Equal(0.15, spec.Settings.Threshold);

        var result = await ProbeRunner.RunAsync(spec, store);

        Assert.True(result.Status == JobStatus.Succeeded, result.Error);
        var o = spec.OutputPrefix;
        var prob = TestData.Array<float>(store, o + "forget_prob.npy");
        var correct = TestData.Array<byte>(store, o + "forget_correct.npy");
        Assert.Equal([2L * 3, 100], prob.Shape);
        for (var i = 0; i < prob.Data.Length; i++)
        {
            Assert.InRange(prob.Data[i], -1f, 1f);
            Assert.Equal(prob.Data[i] > 0.15f ? 1 : 0, correct.Data[i]);
        }
        var learnScore = TestData.Array<float>(store, o + "learn_score.npy");
        var learnCorrect = TestData.Array<byte>(store, o + "learn_correct.npy");
        for (var i = 0; i < learnScore.Data.Length; i++) Assert.Equal(learnScore.Data[i] > 0.15f ? 1 : 0, learnCorrect.Data[i]);
    }

    [Fact]
    public async Task BadJobsFailWithAReadableError()
    {
        var store = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(store, "run1/data/", 100);

        var missingSplit = await ProbeRunner.RunAsync(TestData.Spec(ProbeKind.Ssft, "s1", 1) with { SecondSplit = "C" }, store);
        Assert.Equal(JobStatus.Failed, missingSplit.Status);
        Assert.Contains("Split 'C' does not exist", missingSplit.Error);

        var overlapping = await ProbeRunner.RunAsync(TestData.Spec(ProbeKind.Ssft, "s2", 1) with { SecondSplit = "A" }, store);
        Assert.Contains("overlap", overlapping.Error);

        var metrics = await ProbeRunner.RunAsync(TestData.Spec(ProbeKind.Metrics, "m", 1), store);
        Assert.Equal(JobStatus.Failed, metrics.Status);
        Assert.Contains("Metric shard setting 'family' is missing", metrics.Error);

        var zeroEpochs = await ProbeRunner.RunAsync(TestData.Spec(ProbeKind.Autoencoder, "z", 1) with { Epochs = 0 }, store);
        Assert.Contains("Epochs must be at least 1", zeroEpochs.Error);

        var noData = await ProbeRunner.RunAsync(TestData.Spec(ProbeKind.Autoencoder, "nd", 1) with { DatasetPrefix = "nowhere/" }, store);
        Assert.Contains("has no samples.npy", noData.Error);
    }
}
