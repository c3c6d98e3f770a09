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

    [Theory]
    [InlineData(16, 8, 7, false)]
    [InlineData(8, 1, 14, true)]
    [InlineData(3, 5, 5, false)]  // odd size, several output channels
    public void FusedUpsampleConvMatchesUpsampleThenConvInValuesAndGradients(int inputs, int outputs, int size, bool channelsLast)
    {
        TorchRuntime.EnsureInitialized();
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(size + outputs);
        var conv = nn.Conv2d(inputs, outputs, 3, padding: 1);
        var input = torch.randn(4, inputs, size, size);
        var upstream = torch.randn(4, outputs, 2 * size, 2 * size);

        (Tensor Y, Tensor Dx, Tensor Dw, Tensor Db) Pass(Func<Tensor, Tensor> op)
        {
            conv.zero_grad();
            var x = input.detach().clone().requires_grad_(true);
            var y = op(x);
            y.backward([upstream]);
            return (y.detach().clone(), x.grad!.detach().clone(), conv.weight!.grad!.detach().clone(), conv.bias!.grad!.detach().clone());
        }
        var reference = Pass(x => conv.forward(nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)));
        var fused = Pass(x => FastOps.UpsampleConv3x3(conv, x, channelsLast));

        static float MaxDiff(Tensor a, Tensor b) => a.sub(b).abs().max().item<float>();
        Assert.Equal(reference.Y.shape, fused.Y.shape);
        Assert.True(MaxDiff(reference.Y, fused.Y) < 1e-5f, $"values differ by {MaxDiff(reference.Y, fused.Y)}");
        Assert.True(MaxDiff(reference.Dx, fused.Dx) < 1e-4f, $"input gradients differ by {MaxDiff(reference.Dx, fused.Dx)}");
        Assert.True(MaxDiff(reference.Dw, fused.Dw) < 1e-3f, $"weight gradients differ by {MaxDiff(reference.Dw, fused.Dw)}");
        Assert.True(MaxDiff(reference.Db, fused.Db) < 1e-3f, $"bias gradients differ by {MaxDiff(reference.Db, fused.Db)}");
    }

    [Fact]
    public void PhaseWeightsSumTheTapsEachPhaseReads()
    {
        TorchRuntime.EnsureInitialized();
        using var scope = torch.NewDisposeScope();
        var w = torch.arange(9, dtype: ScalarType.Float32).reshape(1, 1, 3, 3); // taps 0..8 row-major
        var p = FastOps.PhaseWeights(w);
        Assert.Equal([4L, 1, 3, 3], p.shape);
        // Phase (row 0, column 0): rows {-1: tap row 0, 0: rows 1+2}, columns likewise.
        float[] expected00 = [0, 1 + 2, 0, 3 + 6, 4 + 5 + 7 + 8, 0, 0, 0, 0];
        Assert.Equal(expected00, p[0].flatten().data<float>().ToArray());
        // Phase (row 1, column 1): rows {0: rows 0+1, +1: row 2}.
        float[] expected11 = [0, 0, 0, 0, 0 + 1 + 3 + 4, 2 + 5, 0, 6 + 7, 8];
        Assert.Equal(expected11, p[3].flatten().data<float>().ToArray());
    }
}
