using System.Numerics;

namespace HardSamples.Shared.Metrics.Extended;

/// <summary>Dataset-cartography coordinates of every sample.</summary>
/// <param name="Confidence">Mean true-class probability over epochs.</param>
/// <param name="Variability">Population standard deviation of the true-class probability over epochs.</param>
/// <param name="Correctness">Fraction of epochs in which the sample was classified correctly.</param>
public sealed record TrainingDynamicsScores(double[] Confidence, double[] Variability, double[] Correctness);

/// <summary>
/// Training dynamics (Swayamdipta et al. 2020, "Dataset Cartography: Mapping and Diagnosing Datasets with Training
/// Dynamics", EMNLP): low confidence + low variability = hard-to-learn (often mislabeled), high variability =
/// ambiguous, high confidence + low variability = easy. Inputs are <c>[E, n]</c> by sample (use
/// <see cref="SsftTimes.BySample{T}"/> to reorder the SSFT learning phase's <c>learn_score</c>/<c>learn_correct</c>).
/// </summary>
public static class TrainingDynamics
{
    /// <summary>Computes the three coordinates.</summary>
    /// <exception cref="InvalidDataException">Shapes disagree or a probability is outside [0, 1] / NaN.</exception>
    public static TrainingDynamicsScores Compute<TProb, TCorrect>(ReadOnlySpan<TProb> probability, ReadOnlySpan<TCorrect> correct, int samples)
        where TProb : unmanaged, INumberBase<TProb>
        where TCorrect : unmanaged, INumberBase<TCorrect>
    {
        if (samples < 1 || probability.Length == 0 || probability.Length % samples != 0 || correct.Length != probability.Length)
            throw new InvalidDataException($"Probabilities ({probability.Length}) and correctness ({correct.Length}) must both be [E ≥ 1, {samples}].");
        var epochs = probability.Length / samples;
        var confidence = new double[samples];
        var variability = new double[samples];
        var correctness = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            double sum = 0, hits = 0;
            for (var e = 0; e < epochs; e++)
            {
                var p = double.CreateChecked(probability[e * samples + i]);
                if (!(p >= 0 && p <= 1)) throw new InvalidDataException($"Probability of sample {i} at epoch {e} is {p}, outside [0, 1].");
                sum += p;
                if (correct[e * samples + i] != TCorrect.Zero) hits++;
            }
            var mean = sum / epochs;
            var sq = 0.0;
            for (var e = 0; e < epochs; e++)
            {
                var d = double.CreateChecked(probability[e * samples + i]) - mean;
                sq += d * d;
            }
            confidence[i] = mean;
            variability[i] = Math.Sqrt(sq / epochs);
            correctness[i] = hits / epochs;
        }
        return new TrainingDynamicsScores(confidence, variability, correctness);
    }
}
