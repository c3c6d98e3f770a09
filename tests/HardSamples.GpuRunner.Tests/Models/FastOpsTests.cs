using HardSamples.GpuRunner.Models;
using HardSamples.GpuRunner.Tests.Support;
using HardSamples.GpuRunner.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Tests.Models;

[Collection(TorchCollection.Name)]
public sealed class FastOpsTests
{
    private static (Tensor Output, Tensor Gradient, Tensor NoGradOutput) Run(Func<Tensor, Tensor> op, Tensor input, Tensor upstream)
    {
        var x = input.detach().clone().requires_grad_(true);
        var y = op(x);
        y.backward([upstream]);
        using var noGrad = torch.no_grad();
        return (y.detach(), x.grad!.detach(), op(input));
    }

    [Theory]
    [InlineData(28, false)]
    [InlineData(7, false)]  // odd size: the last row and column are dropped
    [InlineData(14, true)]  // many ties (constant regions)
    public void MaxPoolMatchesTorchValuesAndGradients(int size, bool ties)
    {
        TorchRuntime.EnsureInitialized();
        torch.manual_seed(size);
        var input = ties ? torch.randint(0, 3, [4, 3, size, size]).to(ScalarType.Float32) : torch.randn(4, 3, size, size);
        var upstream = torch.randn(4, 3, size / 2, size / 2);
        var (expected, expectedGrad, _) = Run(x => nn.functional.max_pool2d(x, 2), input, upstream);
        var (actual, actualGrad, inference) = Run(FastOps.MaxPool2x2, input, upstream);
        Assert.True(expected.eq(actual).all().item<bool>());
        Assert.True(expected.eq(inference).all().item<bool>());
        Assert.True(expectedGrad.eq(actualGrad).all().item<bool>());
    }

    [Fact]
    public void UpsampleMatchesNearestInterpolation()
    {
        TorchRuntime.EnsureInitialized();
        var input = torch.randn(3, 2, 7, 7);
        var upstream = torch.randn(3, 2, 14, 14);
        var (expected, expectedGrad, _) = Run(x => nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest), input, upstream);
        var (actual, actualGrad, inference) = Run(FastOps.Upsample2x, input, upstream);
        Assert.True(expected.eq(actual).all().item<bool>());
        Assert.True(expected.eq(inference).all().item<bool>());
        Assert.True(expectedGrad.eq(actualGrad).all().item<bool>());
    }
}
