using HardSamples.GpuRunner.Pruning;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Pruning;
using HardSamples.TestSupport;

namespace HardSamples.GpuRunner.Tests.Pruning;

public class TorchClassifierTrainerTests
{
    private static LabeledImages Mnist(int skip, int count)
    {
        var (pixels, labels) = SyntheticRun.ReadMnist(skip + count);
        var px = pixels.Skip(skip * 784).Select(b => (b / 255f - 0.1307f) / 0.3081f).ToArray();
        return new LabeledImages(px, labels[skip..], 1, 28, 28, 10);
    }

    [Fact]
    public async Task Seed_cnn_learns_mnist_digits_and_repeats_its_result_for_a_seed()
    {
        var train = Mnist(0, 1200);
        var test = Mnist(1200, 400);
        var trainer = new TorchClassifierTrainer("seed", ComputeDevice.Cpu);
        Assert.Equal("ssft-cnn", trainer.Name);
        var a = await trainer.TrainAndEvaluateAsync(train, test, new ClassifierTrainingOptions(2, Seed: 5, BatchSize: 64));
        var b = await trainer.TrainAndEvaluateAsync(train, test, new ClassifierTrainingOptions(2, Seed: 5, BatchSize: 64));
        Assert.InRange(a, 0.8, 1.0);
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task Bad_architecture_or_sets_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new TorchClassifierTrainer("resnet"));
        var ok = Mnist(0, 10);
        var trainer = new TorchClassifierTrainer("lenet", ComputeDevice.Cpu);
        await Assert.ThrowsAsync<ArgumentException>(() => trainer.TrainAndEvaluateAsync(ok.Subset([]), ok, new ClassifierTrainingOptions(1, 0)));
        await Assert.ThrowsAsync<ArgumentException>(() => trainer.TrainAndEvaluateAsync(ok, ok with { ClassCount = 12 }, new ClassifierTrainingOptions(1, 0)));
    }
}
