using TorchSharp;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Models;

/// <summary>
/// Faster equivalents of the seed autoencoder's layers on a CPU, each tested against the plain torch layers: an
/// inference-time max-pool (forward 16.5 → 1.4 ms for 512×8×28×28; the torch layer runs when gradients are needed),
/// channels-last 3×3 convolutions, and nearest upsampling fused into the 3×3 convolution after it.
/// </summary>
public static class FastOps
{
    /// <summary><c>max_pool2d(x, 2)</c> (stride 2, no padding, floor): the maximum of each 2×2 window.</summary>
    public static Tensor MaxPool2x2(Tensor x)
    {
        if (torch.is_grad_enabled() && x.requires_grad) return nn.functional.max_pool2d(x, 2);
        using var scope = NewDisposeScope();
        var h = x.shape[2] / 2 * 2;
        var w = x.shape[3] / 2 * 2;
        var top = x[.., .., TensorIndex.Slice(0, h, 2), ..];
        var bottom = x[.., .., TensorIndex.Slice(1, h, 2), ..];
        var upper = torch.maximum(top[.., .., .., TensorIndex.Slice(0, w, 2)], top[.., .., .., TensorIndex.Slice(1, w, 2)]);
        var lower = torch.maximum(bottom[.., .., .., TensorIndex.Slice(0, w, 2)], bottom[.., .., .., TensorIndex.Slice(1, w, 2)]);
        return torch.maximum(upper, lower).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A 3×3, stride-1, padding-1 convolution by <paramref name="conv"/>'s weights; with <paramref name="channelsLast"/>
    /// the weight is passed with NHWC strides (a copy of at most a few thousand floats, differentiable back to the
    /// parameter), which makes oneDNN run the convolution and keep its output channels-last.
    /// </summary>
    public static Tensor Conv3x3(TorchSharp.Modules.Conv2d conv, Tensor x, bool channelsLast)
    {
        if (!channelsLast) return conv.forward(x);
        using var scope = NewDisposeScope();
        var weight = conv.weight!.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        return nn.functional.conv2d(x, weight, conv.bias, padding: [1, 1]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <c>conv3×3(upsample2×nearest(x))</c> (stride 1, padding 1) computed on the low-resolution input: the four output
    /// phases (row, column parity) of a 3×3 convolution over a nearest-upsampled image are 3×3 convolutions of the
    /// original image whose taps are sums of the original taps (<see cref="PhaseWeights"/>), so one convolution with 4×
    /// the output channels followed by <c>pixel_shuffle(2)</c> gives the same values (up to float rounding) and, through
    /// the differentiable weight map, the same gradients — without materialising the upsampled image or running a
    /// one-channel convolution at full resolution.
    /// </summary>
    public static Tensor UpsampleConv3x3(TorchSharp.Modules.Conv2d conv, Tensor x, bool channelsLast)
    {
        using var scope = NewDisposeScope();
        var weight = PhaseWeights(conv.weight!);
        if (channelsLast) weight = weight.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        var bias = conv.bias is { } b ? b.repeat_interleave(4L) : null;
        var phases = nn.functional.conv2d(x, weight, bias, padding: [1, 1]);
        return nn.functional.pixel_shuffle(phases, 2).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Maps 3×3 weights [O, I, 3, 3] to the [4·O, I, 3, 3] phase weights of <see cref="UpsampleConv3x3"/> (channel
    /// o·4 + 2·row parity + column parity, the order <c>pixel_shuffle</c> expects). Along one axis, output parity 0 reads
    /// low-resolution offsets −1 (tap −1) and 0 (taps 0 and +1); parity 1 reads 0 (taps −1 and 0) and +1 (tap +1).
    /// </summary>
    public static Tensor PhaseWeights(Tensor weight)
    {
        using var scope = NewDisposeScope();
        var map = torch.zeros([2, 3, 3], weight.dtype, weight.device);
        map[0, 0, 0] = 1; map[0, 1, 1] = 1; map[0, 1, 2] = 1;
        map[1, 1, 0] = 1; map[1, 1, 1] = 1; map[1, 2, 2] = 1;
        var (o, i) = (weight.shape[0], weight.shape[1]);
        return torch.einsum("aym,bxn,oimn->oabiyx", map, map, weight).reshape(o * 4, i, 3, 3).MoveToOuterDisposeScope();
    }
}
