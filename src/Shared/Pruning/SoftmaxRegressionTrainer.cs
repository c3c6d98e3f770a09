namespace HardSamples.Shared.Pruning;

/// <summary>
/// Multinomial logistic regression on raw pixels, trained with Adam on mini-batches and a step size decaying linearly
/// to zero over the run so the last iterate settles (float64, seeded, single thread, deterministic). A fast CPU baseline classifier for pruning experiments; ~92% on MNIST with enough data.
/// </summary>
public sealed class SoftmaxRegressionTrainer : IClassifierTrainer
{
    /// <summary>Adam step size used when the options give none.</summary>
    public const double DefaultLearningRate = 0.01;

    /// <inheritdoc />
    public string Name => "linear";

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

    private static double Train(LabeledImages train, LabeledImages test, ClassifierTrainingOptions o, CancellationToken ct)
    {
        int d = train.SampleSize, k = train.ClassCount, n = train.Count;
        var rng = new Random(o.Seed);
        var w = new double[k * (d + 1)]; // row per class, last column = bias
        for (var i = 0; i < w.Length; i++) w[i] = (rng.NextDouble() - 0.5) * 0.01;
        var m = new double[w.Length];
        var v = new double[w.Length];
        var grad = new double[w.Length];
        var logits = new double[k];
        const double b1 = 0.9, b2 = 0.999, eps = 1e-8, l2 = 1e-4;
        var step = 0;
        var lr = o.LearningRate ?? DefaultLearningRate;
        var order = Enumerable.Range(0, n).ToArray();
        var batch = Math.Max(1, o.BatchSize);
        var totalSteps = (double)o.Epochs * ((n + batch - 1) / batch);
        for (var epoch = 0; epoch < o.Epochs; epoch++)
        {
            ct.ThrowIfCancellationRequested();
            rng.Shuffle(order);
            for (var start = 0; start < n; start += batch)
            {
                var end = Math.Min(n, start + batch);
                Array.Clear(grad);
                for (var t = start; t < end; t++)
                {
                    var x = train.Pixels.AsSpan(order[t] * d, d);
                    Softmax(w, x, d, k, logits);
                    logits[train.Labels[order[t]]] -= 1; // dL/dz
                    for (var c = 0; c < k; c++)
                    {
                        var g = logits[c];
                        if (g == 0) continue;
                        var row = grad.AsSpan(c * (d + 1), d + 1);
                        for (var j = 0; j < d; j++) row[j] += g * x[j];
                        row[d] += g;
                    }
                }
                step++;
                var scale = 1.0 / (end - start);
                var c1 = 1 - Math.Pow(b1, step);
                var c2 = 1 - Math.Pow(b2, step);
                var rate = lr * (1 - (step - 1) / totalSteps);
                for (var i = 0; i < w.Length; i++)
                {
                    var g = grad[i] * scale + l2 * w[i];
                    m[i] = b1 * m[i] + (1 - b1) * g;
                    v[i] = b2 * v[i] + (1 - b2) * g * g;
                    w[i] -= rate * (m[i] / c1) / (Math.Sqrt(v[i] / c2) + eps);
                }
                if (!double.IsFinite(w[0])) throw new InvalidOperationException("Training diverged (non-finite weights).");
            }
        }
        var correct = 0;
        for (var t = 0; t < test.Count; t++)
        {
            Softmax(w, test.Pixels.AsSpan(t * d, d), d, k, logits);
            var best = 0;
            for (var c = 1; c < k; c++) if (logits[c] > logits[best]) best = c;
            if (best == test.Labels[t]) correct++;
        }
        return test.Count == 0 ? double.NaN : (double)correct / test.Count;
    }

    private static void Softmax(double[] w, ReadOnlySpan<float> x, int d, int k, double[] output)
    {
        var max = double.NegativeInfinity;
        for (var c = 0; c < k; c++)
        {
            var row = w.AsSpan(c * (d + 1), d + 1);
            var z = row[d];
            for (var j = 0; j < d; j++) z += row[j] * x[j];
            output[c] = z;
            if (z > max) max = z;
        }
        double sum = 0;
        for (var c = 0; c < k; c++) { output[c] = Math.Exp(output[c] - max); sum += output[c]; }
        for (var c = 0; c < k; c++) output[c] /= sum;
    }
}
