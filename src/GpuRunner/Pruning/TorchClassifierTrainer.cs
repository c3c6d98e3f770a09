using HardSamples.GpuRunner.Models;
using HardSamples.GpuRunner.Torch;
using HardSamples.GpuRunner.Training;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Pruning;
using TorchSharp;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Pruning;

/// <summary>
/// <see cref="IClassifierTrainer"/> with the SSFT probe's classifiers (<c>seed</c> = the 225k-parameter CNN, <c>lenet</c>)
/// in TorchSharp: Adam (learning rate 1e-3 unless given), cross-entropy, shuffled mini-batches by
/// <see cref="EpochPermutation"/>, the whole training set held in one tensor on the device; CUDA when available
/// (<see cref="ComputeDevice.Auto"/>). A non-finite loss stops with an error.
/// </summary>
public sealed class TorchClassifierTrainer : IClassifierTrainer
{
    private readonly string architecture;
    private readonly ComputeDevice device;
    private readonly int? threads;

    /// <summary>A trainer for <paramref name="architecture"/> (<c>seed</c> or <c>lenet</c>, as <see cref="ClassifierFactory"/>).</summary>
    /// <exception cref="ArgumentException">Unknown architecture.</exception>
    public TorchClassifierTrainer(string architecture = "seed", ComputeDevice device = ComputeDevice.Auto, int? threads = null)
    {
        if (architecture.ToLowerInvariant() is not ("seed" or "seedcnn" or "cnn" or "lenet" or "lenet5"))
            throw new ArgumentException($"Unknown classifier architecture '{architecture}'; use one of: {string.Join(", ", ClassifierFactory.Names)}.", nameof(architecture));
        this.architecture = architecture;
        this.device = device;
        this.threads = threads;
    }

    /// <summary>Adam learning rate used when the options give none (the probes' default).</summary>
    public const double DefaultLearningRate = 1e-3;

    /// <inheritdoc />
    public string Name => architecture.ToLowerInvariant() is "seed" or "seedcnn" or "cnn" ? "ssft-cnn" : architecture.ToLowerInvariant();

    /// <inheritdoc />
    public Task<double> TrainAndEvaluateAsync(LabeledImages train, LabeledImages test, ClassifierTrainingOptions options, CancellationToken cancellationToken = default)
    {
        train.Validate("training set");
        test.Validate("test set");
        if (train.Count == 0) throw new ArgumentException("The training set is empty.");
        if (options.Epochs < 1) throw new ArgumentException($"Epochs must be at least 1 (got {options.Epochs}).");
        if (train.SampleSize != test.SampleSize || train.ClassCount != test.ClassCount) throw new ArgumentException("Training and test sets differ in shape or class count.");
        return Task.Run(() => Train(train, test, options, cancellationToken), cancellationToken);
    }

    private double Train(LabeledImages train, LabeledImages test, ClassifierTrainingOptions o, CancellationToken ct)
    {
        TorchRuntime.EnsureInitialized();
        if (threads is { } t) torch.set_num_threads(t);
        var dev = torch.device(DeviceSelection.Resolve(device, torch.cuda.is_available()));
        torch.manual_seed(o.Seed);
        using var model = ClassifierFactory.Create(architecture, train.ClassCount, train.Channels);
        model.to(dev);
        using var x = torch.tensor(train.Pixels, [train.Count, train.Channels, train.Height, train.Width], device: dev);
        using var y = torch.tensor(train.Labels.Select(l => (long)l).ToArray(), device: dev);
        using var optimizer = torch.optim.Adam(model.parameters(), o.LearningRate ?? DefaultLearningRate);
        var batch = Math.Max(1, o.BatchSize);
        var parameters = model.parameters().ToArray();
        for (var epoch = 0; epoch < o.Epochs; epoch++)
        {
            model.train();
            using var order = torch.tensor(EpochPermutation.Create(o.Seed, epoch, train.Count, stream: 7), device: dev);
            for (var start = 0; start < train.Count; start += batch)
            {
                ct.ThrowIfCancellationRequested();
                using var scope = torch.NewDisposeScope();
                var idx = order.narrow(0, start, Math.Min(batch, train.Count - start));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(x.index_select(0, idx)), y.index_select(0, idx));
                var value = loss.item<float>();
                if (!float.IsFinite(value)) throw new InvalidOperationException($"Classifier training diverged: loss {value} at epoch {epoch}, batch {start / batch}.");
                try { Training.GuardedBackward.Run(loss, parameters, $"Classifier training, epoch {epoch + 1}, batch {start / batch + 1}"); }
                catch (Training.NonFiniteValueException e) { throw new InvalidOperationException(e.Message, e); }
                optimizer.step();
            }
        }
        model.eval();
        long correct = 0;
        using (torch.no_grad())
        {
            for (var start = 0; start < test.Count; start += 1024)
            {
                using var scope = torch.NewDisposeScope();
                var n = Math.Min(1024, test.Count - start);
                var xb = torch.tensor(test.Pixels.AsSpan(start * test.SampleSize, n * test.SampleSize).ToArray(), [n, test.Channels, test.Height, test.Width], device: dev);
                var yb = torch.tensor(test.Labels.AsSpan(start, n).ToArray().Select(l => (long)l).ToArray(), device: dev);
                correct += model.forward(xb).argmax(1).eq(yb).sum().item<long>();
            }
        }
        return test.Count == 0 ? double.NaN : (double)correct / test.Count;
    }
}
