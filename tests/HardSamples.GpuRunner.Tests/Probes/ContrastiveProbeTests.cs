using HardSamples.GpuRunner.Probes;
using HardSamples.GpuRunner.Tests.Support;
using HardSamples.GpuRunner.Torch;
using HardSamples.Shared.Contracts;
using TorchSharp;

namespace HardSamples.GpuRunner.Tests.Probes;

[Collection(TorchCollection.Name)]
public sealed class ContrastiveProbeTests
{
    [Fact]
    public async Task RecordsSelfAndCrossCorrelationPerSample()
    {
        var store = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(store, "run1/data/", 300);
        var spec = TestData.Spec(ProbeKind.Contrastive, "contrastive", epochs: 2, s => s with { BatchSize = 64 });

        var result = await ProbeRunner.RunAsync(spec, store);

        Assert.True(result.Status == JobStatus.Succeeded, result.Error);
        var o = spec.OutputPrefix;
        var self = TestData.Array<float>(store, o + "self_corr.npy");
        var cross = TestData.Array<float>(store, o + "cross_corr.npy");
        Assert.Equal([2L, 300], self.Shape);
        Assert.Equal(self.Shape, cross.Shape);
        Assert.All(self.Data, v => Assert.InRange(v, -1.0001f, 1.0001f));
        Assert.All(cross.Data, v => Assert.InRange(v, -1.0001f, 1.0001f));
        // Two views of one image agree more than views of different images.
        Assert.True(self.Data.Skip(300).Average() > cross.Data.Skip(300).Average() + 0.1);
        Assert.Equal([2L], TestData.Array<float>(store, o + "train_loss.npy").Shape);
    }

    [Fact]
    public void AugmentationIsReproducibleFromTheGeneratorState()
    {
        TorchRuntime.EnsureInitialized();
        using var x = torch.randn(8, 1, 28, 28);
        using var g1 = new torch.Generator(5);
        using var g2 = new torch.Generator(5);
        using var a = ContrastiveProbe.Augment(x, g1);
        using var b = ContrastiveProbe.Augment(x, g2);
        Assert.True(a.eq(b).all().item<bool>());
        using var c = ContrastiveProbe.Augment(x, g1);
        Assert.False(a.eq(c).all().item<bool>());
        Assert.Equal(x.shape, a.shape);
    }
}
