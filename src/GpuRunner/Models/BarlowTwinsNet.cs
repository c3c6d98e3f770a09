using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace HardSamples.GpuRunner.Models;

/// <summary>
/// Barlow Twins network for 28×28 images: the seed encoder's convolution trunk (8, 16, 32 channels, no dropout) →
/// 288 → <c>representation</c> (ReLU), then a projector representation → projection → BatchNorm → ReLU → projection.
/// <see cref="forward"/> returns the projector output, on which the loss and the recorded correlations are computed.
/// </summary>
public sealed class BarlowTwinsNet : Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly Conv2d conv3;
    private readonly Linear representation;
    private readonly Linear projector1;
    private readonly BatchNorm1d projectorNorm;
    private readonly Linear projector2;

    /// <summary>Builds the network.</summary>
    public BarlowTwinsNet(int channels = 1, int representationDim = 128, int projectionDim = 256) : base(nameof(BarlowTwinsNet))
    {
        conv1 = Conv2d(channels, 8, 3, padding: 1);
        conv2 = Conv2d(8, 16, 3, padding: 1);
        conv3 = Conv2d(16, 32, 3, padding: 1);
        representation = Linear(288, representationDim);
        projector1 = Linear(representationDim, projectionDim);
        projectorNorm = BatchNorm1d(projectionDim);
        projector2 = Linear(projectionDim, projectionDim);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = functional.relu(FastOps.MaxPool2x2(conv1.forward(x)));
        x = functional.relu(FastOps.MaxPool2x2(conv2.forward(x)));
        x = functional.relu(FastOps.MaxPool2x2(conv3.forward(x)));
        x = functional.relu(representation.forward(x.flatten(1)));
        x = functional.relu(projectorNorm.forward(projector1.forward(x)));
        return projector2.forward(x).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Barlow Twins loss: with both views standardised per feature over the batch, C = z₁ᵀz₂ / B and
    /// loss = Σᵢ (1 − Cᵢᵢ)² + λ Σ_{i≠j} Cᵢⱼ².
    /// </summary>
    public static Tensor Loss(Tensor z1, Tensor z2, double lambda)
    {
        using var scope = NewDisposeScope();
        var batch = z1.shape[0];
        var a = Standardize(z1);
        var b = Standardize(z2);
        var c = a.t().matmul(b) / batch;
        var diagonal = c.diagonal();
        var onDiagonal = (diagonal - 1).pow(2).sum();
        var offDiagonal = c.pow(2).sum() - diagonal.pow(2).sum();
        return (onDiagonal + lambda * offDiagonal).MoveToOuterDisposeScope();
    }

    /// <summary>Per-feature standardisation over the batch (population variance, ε = 1e-5 as BatchNorm).</summary>
    public static Tensor Standardize(Tensor z)
    {
        var mean = z.mean([0], keepdim: true);
        var variance = (z - mean).pow(2).mean([0], keepdim: true);
        return (z - mean) / (variance + 1e-5).sqrt();
    }
}
