using HardSamples.GpuRunner.Models;
using HardSamples.GpuRunner.Tests.Support;
using HardSamples.GpuRunner.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class CounterDropoutTests
{
    [Fact]
    public void TrainingDropsAboutPAndScalesTheRestLikeNnDropout()
    {
        TorchRuntime.EnsureInitialized();
        using var scope = torch.NewDisposeScope();
        var dropout = new CounterDropout(0.1, streamKey: 1) { Seed = 91 };
        dropout.train();
        var y = dropout.forward(torch.ones(64, 8, 28, 28));
        var zeros = y.eq(0).to(ScalarType.Float64).mean().item<double>();
        Assert.InRange(zeros, 0.097, 0.103); // 401,408 draws: 10 % ± 3 standard errors ≈ ± 0.0014, kept wide
        var kept = y.masked_select(y.ne(0));
        Assert.True(kept.sub(1 / 0.9f).abs().max().item<float>() < 1e-6f);
    }

    [Fact]
    public void TheVectorAndScalarMaskPathsDrawTheSameMasks()
    {
        // Element i of a mask depends only on (seed, call, i): a 35-element mask (32 vectorised + 3 scalar elements) must
        // equal the first 35 elements of a 64-element one (all vectorised).
        TorchRuntime.EnsureInitialized();
        using var scope = torch.NewDisposeScope();
        Tensor Draw(long count)
        {
            var d = new CounterDropout(0.5, streamKey: 1) { Seed = 17 };
            d.train();
            return d.forward(torch.ones(count)).flatten();
        }
        var short35 = Draw(35);
        var long64 = Draw(64);
        Assert.True(short35.eq(long64[..35]).all().item<bool>());
        Assert.InRange(short35.eq(0).sum().item<long>(), 5, 30); // both values occur
    }

    [Fact]
    public void EvalModeIsTheIdentity()
    {
        TorchRuntime.EnsureInitialized();
        using var scope = torch.NewDisposeScope();
        var dropout = new CounterDropout(0.5, streamKey: 1);
        dropout.eval();
        var x = torch.randn(4, 3, 5, 5);
        Assert.True(dropout.forward(x).eq(x).all().item<bool>());
    }

    [Fact]
    public void MasksDependOnSeedAndCallNumberOnlyAndTheCounterIsModuleState()
    {
        TorchRuntime.EnsureInitialized();
        using var scope = torch.NewDisposeScope();
        var x = torch.ones(16, 4, 7, 7);
        Tensor[] Draw(long seed, int calls)
        {
            var d = new CounterDropout(0.3, streamKey: 1) { Seed = seed };
            d.train();
            return Enumerable.Range(0, calls).Select(_ => d.forward(x)).ToArray();
        }
        var a = Draw(91, 2);
        var b = Draw(91, 2);
        var other = Draw(92, 1);
        Assert.True(a[0].eq(b[0]).all().item<bool>());
        Assert.True(a[1].eq(b[1]).all().item<bool>());
        Assert.False(a[0].eq(a[1]).all().item<bool>()); // a new mask per call
        Assert.False(a[0].eq(other[0]).all().item<bool>());

        // The call counter travels with the module state (a resumed job continues the same mask sequence).
        var first = new CounterDropout(0.3, streamKey: 1) { Seed = 91 };
        first.train();
        first.forward(x);
        var restored = new CounterDropout(0.3, streamKey: 1) { Seed = 91 };
        restored.train();
        using (var ms = new MemoryStream())
        {
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) first.save(w);
            ms.Position = 0;
            using var r = new BinaryReader(ms);
            restored.load(r);
        }
        Assert.True(first.forward(x).eq(restored.forward(x)).all().item<bool>());
    }

    [Fact]
    public void ChannelsLastInputGetsAMaskOfItsOwnLayoutAndGradientsFlowThroughTheMask()
    {
        TorchRuntime.EnsureInitialized();
        using var scope = torch.NewDisposeScope();
        var dropout = new CounterDropout(0.2, streamKey: 1) { Seed = 5 };
        dropout.train();
        var nhwc = torch.randn(8, 6, 5, 5).permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2).requires_grad_(true);
        var y = dropout.forward(nhwc);
        y.sum().backward();
        var mask = y.detach() / nhwc.detach();
        Assert.True(nhwc.grad!.sub(mask).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void ProbabilityOutsideZeroToOneIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CounterDropout(1.0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CounterDropout(-0.1, 1));
    }
}
