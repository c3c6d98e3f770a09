using HardSamples.Shared.Pruning;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Pruning;

public class SoftmaxRegressionTrainerTests
{
    private static LabeledImages Mnist(int skip, int count)
    {
        var (pixels, labels) = SyntheticRun.ReadMnist(skip + count);
        var px = pixels.Skip(skip * 784).Select(b => (b / 255f - 0.1307f) / 0.3081f).ToArray();
        return new LabeledImages(px, labels[skip..], 1, 28, 28, 10);
    }

    [Fact]
    public async Task Learns_mnist_digits_far_above_chance_and_is_deterministic_per_seed()
    {
        var train = Mnist(0, 1500);
        var test = Mnist(1500, 500);
        var trainer = new SoftmaxRegressionTrainer();
        var a = await trainer.TrainAndEvaluateAsync(train, test, new ClassifierTrainingOptions(3, Seed: 1));
        var b = await trainer.TrainAndEvaluateAsync(train, test, new ClassifierTrainingOptions(3, Seed: 1));
        Assert.InRange(a, 0.8, 1.0);
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task Rejects_inconsistent_sets()
    {
        var ok = Mnist(0, 20);
        var trainer = new SoftmaxRegressionTrainer();
        await Assert.ThrowsAsync<ArgumentException>(() => trainer.TrainAndEvaluateAsync(ok with { Labels = [.. ok.Labels[..19], 12] }, ok, new ClassifierTrainingOptions(1, 0)));
        await Assert.ThrowsAsync<ArgumentException>(() => trainer.TrainAndEvaluateAsync(ok.Subset([]), ok, new ClassifierTrainingOptions(1, 0)));
        await Assert.ThrowsAsync<ArgumentException>(() => trainer.TrainAndEvaluateAsync(ok, ok, new ClassifierTrainingOptions(0, 0)));
    }
}
