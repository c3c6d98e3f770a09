using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace HardSamples.GpuRunner.Models;

/// <summary>
/// The seed's convolutional encoder (<c>MNIST_ConvEncoder</c>): three dropout → conv3×3 → max-pool → ReLU stages
/// (8, 16, 32 channels), then 288 → 128 → latent with a sigmoid bottleneck. Expects 1×28×28 inputs.
/// </summary>
public sealed class SeedEncoder : Module<Tensor, Tensor>
{
    private readonly CounterDropout dropout;
    private readonly Conv2d conv2d_1;
    private readonly Conv2d conv2d_2;
    private readonly Conv2d conv2d_3;
    private readonly MaxPool2d maxpool2d;
    private readonly Linear linear_1;
    private readonly Linear linear_2;

    /// <summary>Builds the encoder (weights drawn from torch's global generator, in the seed's order).</summary>
    public SeedEncoder(int latentDim, int inputChannels = 1) : base(nameof(SeedEncoder))
    {
        dropout = new CounterDropout(0.1, streamKey: 1);
        conv2d_1 = Conv2d(inputChannels, 8, 3, padding: 1);
        conv2d_2 = Conv2d(8, 16, 3, padding: 1);
        conv2d_3 = Conv2d(16, 32, 3, padding: 1);
        maxpool2d = MaxPool2d(2);
        linear_1 = Linear(288, 128);
        linear_2 = Linear(128, latentDim);
        RegisterComponents();
    }

    /// <summary>Run the convolutions channels-last (see <see cref="SeedAutoencoder.UseChannelsLast"/>).</summary>
    public bool ChannelsLast { get; set; }

    /// <summary>Seed of the dropout masks (see <see cref="CounterDropout"/>).</summary>
    public long DropoutSeed { get => dropout.Seed; set => dropout.Seed = value; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // maxpool2d is the torch layer; FastOps.MaxPool2x2 computes the same values and gradients much faster here.
        x = functional.relu(FastOps.MaxPool2x2(FastOps.Conv3x3(conv2d_1, dropout.forward(x), ChannelsLast)));
        x = functional.relu(FastOps.MaxPool2x2(FastOps.Conv3x3(conv2d_2, dropout.forward(x), ChannelsLast)));
        x = functional.relu(FastOps.MaxPool2x2(FastOps.Conv3x3(conv2d_3, dropout.forward(x), ChannelsLast)));
        x = x.flatten(1);
        x = functional.relu(linear_1.forward(x));
        return functional.sigmoid(linear_2.forward(x)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The seed's decoder (<c>MNIST_ConvDecoder</c>): latent → 128 → 1568 (32×7×7), then conv3×3 → nearest ×2
/// upsample → ReLU twice (16, 8 channels) and a final conv3×3 to the image with no output activation.
/// </summary>
public sealed class SeedDecoder : Module<Tensor, Tensor>
{
    private readonly Conv2d conv2d_1;
    private readonly Conv2d conv2d_2;
    private readonly Conv2d conv2d_3;
    private readonly Linear linear_1;
    private readonly Linear linear_2;

    /// <summary>Builds the decoder (weights drawn in the seed's order: convolutions, then linears).</summary>
    public SeedDecoder(int latentDim, int outputChannels = 1) : base(nameof(SeedDecoder))
    {
        conv2d_1 = Conv2d(32, 16, 3, padding: 1);
        conv2d_2 = Conv2d(16, 8, 3, padding: 1);
        conv2d_3 = Conv2d(8, outputChannels, 3, padding: 1);
        linear_1 = Linear(latentDim, 128);
        linear_2 = Linear(128, 1568);
        RegisterComponents();
    }

    /// <summary>Run the convolutions channels-last (see <see cref="SeedAutoencoder.UseChannelsLast"/>).</summary>
    public bool ChannelsLast { get; set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var x = functional.relu(linear_1.forward(z));
        x = functional.relu(linear_2.forward(x));
        x = x.reshape(-1, 32, 7, 7);
        // The seed: conv → upsample → ReLU, twice, then conv. relu(upsample(v)) == upsample(relu(v)) for nearest
        // upsampling, so the ReLU runs on the small tensor, and each upsample is fused into the convolution after it
        // (FastOps.UpsampleConv3x3: same values up to rounding, no upsampled tensor).
        x = functional.relu(FastOps.Conv3x3(conv2d_1, x, ChannelsLast));
        x = functional.relu(FastOps.UpsampleConv3x3(conv2d_2, x, ChannelsLast));
        return FastOps.UpsampleConv3x3(conv2d_3, x, ChannelsLast).MoveToOuterDisposeScope();
    }
}

/// <summary>The seed autoencoder: <see cref="SeedEncoder"/> followed by <see cref="SeedDecoder"/>.</summary>
public sealed class SeedAutoencoder : Module<Tensor, Tensor>
{
    private readonly SeedEncoder encoder;
    private readonly SeedDecoder decoder;

    /// <summary>
    /// Builds encoder then decoder, drawing initial weights from torch's global generator in the same module order
    /// as the seed (<c>Autoencoder(MNIST_ConvEncoder(d), MNIST_ConvDecoder(d))</c>).
    /// </summary>
    public SeedAutoencoder(int latentDim = 10, int channels = 1) : base(nameof(SeedAutoencoder))
    {
        encoder = new SeedEncoder(latentDim, channels);
        decoder = new SeedDecoder(latentDim, channels);
        RegisterComponents();
    }

    /// <summary>The encoder (its output is the recorded embedding).</summary>
    public SeedEncoder Encoder => encoder;

    /// <summary>The decoder.</summary>
    public SeedDecoder Decoder => decoder;

    /// <summary>
    /// Runs every convolution channels-last (the weights are viewed with NHWC strides for each call; the parameters stay
    /// ordinary contiguous tensors). oneDNN then keeps activations in that layout instead of reordering around each small
    /// convolution: measured 20–25 % off a CPU training epoch. Same values up to float rounding.
    /// </summary>
    public SeedAutoencoder UseChannelsLast(bool enabled = true)
    {
        encoder.ChannelsLast = enabled;
        decoder.ChannelsLast = enabled;
        return this;
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return decoder.forward(encoder.forward(x)).MoveToOuterDisposeScope();
    }
}
