using HardSamples.GpuRunner.Tests.Support;
using HardSamples.GpuRunner.Torch;
using HardSamples.GpuRunner.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Tests.Torch;

[Collection(TorchCollection.Name)]
public sealed class TorchRuntimeTests
{
    [Fact]
    public void LibTorchLoadsAndComputes()
    {
        TorchRuntime.EnsureInitialized();
        using var ones = torch.ones(3, 4);
        Assert.Equal(12f, ones.sum().item<float>());
    }

    [Fact]
    public void OneDnnIsaReportsWhatTheNativeEnvironmentHolds()
    {
        TorchRuntime.EnsureInitialized();
        var native = TorchRuntime.NativeGetEnv(TorchRuntime.OneDnnIsaVariable);
        Assert.Equal(string.IsNullOrEmpty(native) ? null : native, TorchRuntime.OneDnnIsa);
    }

    [Fact]
    public void OpenMpGetsABoundedSpinUnlessTheUserChoseAPolicy()
    {
        TorchRuntime.EnsureInitialized();
        var policy = TorchRuntime.NativeGetEnv(TorchRuntime.OpenMpWaitPolicyVariable);
        var spin = TorchRuntime.NativeGetEnv(TorchRuntime.SpinCountVariable);
        if (string.IsNullOrEmpty(policy)) Assert.False(string.IsNullOrEmpty(spin));
        Assert.Equal(spin, Environment.GetEnvironmentVariable(TorchRuntime.SpinCountVariable));
    }

    [Fact]
    public void SetNativeDefaultKeepsAValueAlreadySet()
    {
        var name = "HARDSAMPLES_TEST_" + Guid.NewGuid().ToString("N");
        Assert.Equal("first", TorchRuntime.SetNativeDefault(name, "first"));
        Assert.Equal("first", TorchRuntime.SetNativeDefault(name, "second"));
        Assert.Equal("first", TorchRuntime.NativeGetEnv(name));
    }

    [Fact]
    public void TinyConvNetTrainsTwoStepsWithFiniteGradientsTwiceInOneProcess()
    {
        TorchRuntime.EnsureInitialized();
        torch.set_num_threads(2); // the NaN seen on this CPU class needed 2 threads
        for (var round = 0; round < 2; round++)
        {
            using var scope = torch.NewDisposeScope();
            torch.manual_seed(7 + round);
            var model = nn.Sequential(
                ("conv1", nn.Conv2d(1, 8, 3, padding: 1)),
                ("relu1", nn.ReLU()),
                ("pool1", nn.MaxPool2d(2)),
                ("conv2", nn.Conv2d(8, 16, 3, padding: 1)),
                ("relu2", nn.ReLU()),
                ("pool2", nn.MaxPool2d(2)),
                ("flat", nn.Flatten()),
                ("fc", nn.Linear(16 * 7 * 7, 10)));
            var optimizer = optim.Adam(model.parameters(), 1e-3);
            var x = torch.randn(64, 1, 28, 28);
            var y = torch.randint(0, 10, [64], dtype: ScalarType.Int64);
            var losses = new List<float>();
            for (var step = 0; step < 2; step++)
            {
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(x), y);
                // The fast oneDNN kernels are allowed; the guard must deliver finite gradients whatever they do.
                GuardedBackward.Run(loss, model.parameters().ToArray(), $"round {round} step {step}");
                foreach (var (name, parameter) in model.named_parameters())
                {
                    Assert.NotNull(parameter.grad);
                    Assert.True(parameter.grad!.isfinite().all().item<bool>(), $"round {round} step {step}: non-finite gradient in {name}");
                }
                optimizer.step();
                losses.Add(loss.item<float>());
            }
            Assert.All(losses, l => Assert.True(float.IsFinite(l)));
        }
    }
}
