using HardSamples.GpuRunner.Models;
using HardSamples.GpuRunner.Tests.Support;
using HardSamples.GpuRunner.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class ModelTests
{
    private static long Parameters(nn.Module module) => module.parameters().Sum(p => p.numel());

    [Fact]
    public void TheSeedAutoencoderHasTheSeedShapes()
    {
        TorchRuntime.EnsureInitialized();
        using var model = new SeedAutoencoder(10);
        // Encoder 80+1,168+4,640+36,992+1,290; decoder 4,624+1,160+73+1,408+202,272 (MNIST_ConvEncoder/Decoder, latent 10).
        Assert.Equal(44_170 + 209_537, Parameters(model));
        model.eval();
        using var x = torch.randn(3, 1, 28, 28);
        using var z = model.Encoder.forward(x);
        Assert.Equal([3L, 10], z.shape);
        using var r = model.Decoder.forward(z);
        Assert.Equal([3L, 1, 28, 28], r.shape);
    }

    [Fact]
    public void ChannelsLastGivesTheSameOutputsAndGradientsUpToRounding()
    {
        TorchRuntime.EnsureInitialized();
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        var model = new SeedAutoencoder(10);
        model.eval(); // no dropout: both passes see the same function
        var x = torch.rand(16, 1, 28, 28);
        (Tensor Output, Tensor[] Grads) Pass(bool channelsLast)
        {
            model.UseChannelsLast(channelsLast);
            model.zero_grad();
            var y = model.forward(x);
            nn.functional.l1_loss(y, x).backward();
            return (y.detach().clone(), model.parameters().Select(p => p.grad!.detach().clone()).ToArray());
        }
        var plain = Pass(false);
        var nhwc = Pass(true);
        Assert.True(plain.Output.sub(nhwc.Output).abs().max().item<float>() < 1e-5f);
        foreach (var (a, b) in plain.Grads.Zip(nhwc.Grads))
            Assert.True(a.sub(b).abs().max().item<float>() <= 1e-5f + 1e-3f * a.abs().max().item<float>());
        Assert.All(model.parameters(), p => Assert.True(p.is_contiguous())); // parameters keep their ordinary layout
    }

    [Fact]
    public void TheSsftClassifiersHaveTheDocumentedSizes()
    {
        TorchRuntime.EnsureInitialized();
        using var seed = new SeedCnn(10, 1);
        Assert.Equal(SeedCnn.ParameterCountMnist, Parameters(seed));
        using var lenet = new LeNet5(10, 1);
        Assert.Equal(LeNet5.ParameterCountMnist, Parameters(lenet));
        using var x = torch.randn(4, 1, 28, 28);
        using var logits = seed.forward(x);
        Assert.Equal([4L, 10], logits.shape);
        Assert.Throws<ArgumentException>(() => ClassifierFactory.Create("resnet", 10, 1));
    }

    [Fact]
    public void TheSameSeedBuildsTheSameWeights()
    {
        TorchRuntime.EnsureInitialized();
        torch.manual_seed(91);
        using var a = new SeedAutoencoder(10);
        torch.manual_seed(91);
        using var b = new SeedAutoencoder(10);
        foreach (var ((name, pa), (_, pb)) in a.named_parameters().Zip(b.named_parameters()))
            Assert.True(pa.eq(pb).all().item<bool>(), name);
    }

    [Fact]
    public void BarlowTwinsLossIsSmallForIdenticalViewsAndLargerForUnrelatedOnes()
    {
        TorchRuntime.EnsureInitialized();
        torch.manual_seed(3);
        using var z = torch.randn(64, 16);
        using var other = torch.randn(64, 16);
        var same = BarlowTwinsNet.Loss(z, z, 0.005).item<float>();
        var different = BarlowTwinsNet.Loss(z, other, 0.005).item<float>();
        Assert.True(same < 0.5, $"identical views: {same}");
        Assert.True(different > 10 * same, $"unrelated views {different} vs identical {same}");
    }
}
