namespace HardSamples.Shared.Pruning;

/// <summary>A labelled image set in the prepared layout (normalised float32, C-ordered [N,C,H,W]).</summary>
/// <param name="Pixels">N·C·H·W values.</param>
/// <param name="Labels">N class indices in [0, ClassCount).</param>
/// <param name="Channels">C.</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
/// <param name="ClassCount">Number of classes.</param>
public sealed record LabeledImages(float[] Pixels, int[] Labels, int Channels, int Height, int Width, int ClassCount)
{
    /// <summary>N.</summary>
    public int Count => Labels.Length;

    /// <summary>Values per sample.</summary>
    public int SampleSize => Channels * Height * Width;

    /// <summary>Throws <see cref="ArgumentException"/> when sizes or labels are inconsistent.</summary>
    public LabeledImages Validate(string what)
    {
        if ((long)Count * SampleSize != Pixels.LongLength) throw new ArgumentException($"{what}: {Pixels.Length} values for {Count} samples of {Channels}×{Height}×{Width}.");
        if (ClassCount < 2) throw new ArgumentException($"{what}: needs at least 2 classes (got {ClassCount}).");
        foreach (var l in Labels) if (l < 0 || l >= ClassCount) throw new ArgumentException($"{what}: label {l} outside 0..{ClassCount - 1}.");
        return this;
    }

    /// <summary>The subset at <paramref name="indices"/> (positions in this set).</summary>
    public LabeledImages Subset(IReadOnlyList<int> indices)
    {
        var per = SampleSize;
        var px = new float[indices.Count * per];
        var lab = new int[indices.Count];
        for (var k = 0; k < indices.Count; k++)
        {
            Array.Copy(Pixels, (long)indices[k] * per, px, (long)k * per, per);
            lab[k] = Labels[indices[k]];
        }
        return this with { Pixels = px, Labels = lab };
    }
}

/// <summary>Training settings shared by every classifier.</summary>
/// <param name="Epochs">Passes over the training set.</param>
/// <param name="Seed">Seed of initialisation and shuffling.</param>
/// <param name="BatchSize">Mini-batch size.</param>
/// <param name="LearningRate">Step size; null = the classifier's own default.</param>
public sealed record ClassifierTrainingOptions(int Epochs, int Seed, int BatchSize = 128, double? LearningRate = null);

/// <summary>
/// Trains a classifier on a (pruned) training set and returns its accuracy on a held-out test set. Implementations:
/// <see cref="SoftmaxRegressionTrainer"/> (pure C#, CPU) here; the SSFT CNN through the GpuRunner library.
/// </summary>
public interface IClassifierTrainer
{
    /// <summary>Short name written to <c>pruning.csv</c> (e.g. <c>linear</c>, <c>ssft-cnn</c>).</summary>
    string Name { get; }

    /// <summary>Trains from scratch on <paramref name="train"/> and returns the accuracy on <paramref name="test"/> in [0, 1].</summary>
    Task<double> TrainAndEvaluateAsync(LabeledImages train, LabeledImages test, ClassifierTrainingOptions options, CancellationToken cancellationToken = default);
}
