using TorchSharp;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Models;

/// <summary>
/// Inference-time replacements for two torch layers whose libtorch CPU kernels are slow at these sizes (measured:
/// max-pool forward 16.5 → 1.4 ms, nearest upsample 5.9 → 3.2 ms for 512×8×28×28): exactly the same values. When
/// gradients are needed the torch layers run (their backward is what the seed used and is not slower than a rebuild).
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

    /// <summary>Nearest-neighbour ×2 upsampling (<c>Upsample(scale_factor=2)</c>).</summary>
    public static Tensor Upsample2x(Tensor x)
    {
        if (torch.is_grad_enabled() && x.requires_grad)
            return nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        var (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        return x.view(b, c, h, 1, w, 1).expand(b, c, h, 2, w, 2).reshape(b, c, 2 * h, 2 * w);
    }
}
