using System.Numerics;

namespace HardSamples.Shared.Metrics;

/// <summary>Learning times of the first split (per local sample).</summary>
/// <param name="Epoch">Epoch of the first observation above the threshold after the last drop below it; −1 if never learnt.</param>
/// <param name="Step">epoch·n + position of that observation; −1 if never learnt.</param>
/// <param name="StepWithSentinel"><see cref="Step"/>, never-learnt samples replaced by <see cref="Sentinel"/> (for rank correlations).</param>
/// <param name="Sentinel">max(all steps, −1) + 10000, mirroring the forgetting sentinel.</param>
public sealed record SsftLearningTimes(int[] Epoch, long[] Step, long[] StepWithSentinel, long Sentinel);

/// <summary>Forgetting times of the first split while training on the second (per local sample).</summary>
/// <param name="Epoch">Epoch of the first log below the threshold after the last log above it; −1 if never forgotten.</param>
/// <param name="LogIndex">Dense log index t = epoch·L + log of that log; −1 if never forgotten.</param>
/// <param name="Step">(epoch·(L−1) + log)·⌊stepsPerEpoch/(L−1)⌋; −1 if never forgotten.</param>
/// <param name="StepWithSentinel"><see cref="Step"/>, never-forgotten samples replaced by <see cref="Sentinel"/>.</param>
/// <param name="Sentinel">max(all steps including −1) + 10000 (3,010,000 in the original).</param>
public sealed record SsftForgettingTimes(int[] Epoch, int[] LogIndex, long[] Step, long[] StepWithSentinel, long Sentinel);

/// <summary>
/// Second-split forgetting (SSFT) learning and forgetting times, exactly as <c>SSFT/1_ssft.ipynb</c> computes them
/// (golden README "SSFT times", threshold 0.5): a score strictly below the threshold resets learning (strictly
/// above resets forgetting), a score strictly on the other side sets the time if unset, a score equal to the
/// threshold changes nothing. Inputs are the probe contract's arrays: <c>learn_order</c>/<c>learn_score</c>
/// <c>[E1, n]</c> in the order seen, <c>forget_prob</c> <c>[T, n]</c> by sample with T = E2·L logs in order.
/// </summary>
public static class SsftTimes
{
    /// <summary>The seed's threshold on the true-class probability.</summary>
    public const double DefaultThreshold = 0.5;

    /// <summary>Added to the largest step for samples that never cross.</summary>
    public const long SentinelOffset = 10000;

    /// <summary>Learning times from the learning phase.</summary>
    /// <param name="learnOrder"><c>[E1, n]</c>: the local sample positions in the order seen each epoch (each row a permutation of 0..n−1).</param>
    /// <param name="learnScore"><c>[E1, n]</c>: the score of each observation, in that order.</param>
    /// <param name="samples">n, the split size.</param>
    /// <param name="threshold">Threshold (0.5).</param>
    /// <exception cref="InvalidDataException">Shapes disagree, a row is not a permutation, or a score is NaN.</exception>
    public static SsftLearningTimes Learning<T>(ReadOnlySpan<int> learnOrder, ReadOnlySpan<T> learnScore, int samples, double threshold = DefaultThreshold)
        where T : unmanaged, INumberBase<T>
    {
        if (samples < 1) throw new ArgumentException($"The split needs at least one sample, got {samples}.", nameof(samples));
        if (learnOrder.Length != learnScore.Length || learnOrder.Length % samples != 0)
            throw new InvalidDataException($"learn_order ({learnOrder.Length} values) and learn_score ({learnScore.Length}) must both be [E1, {samples}].");
        var epochs = learnOrder.Length / samples;
        var epoch = new int[samples];
        var step = new long[samples];
        Array.Fill(epoch, -1);
        Array.Fill(step, -1);
        var seen = new int[samples];
        for (var e = 0; e < epochs; e++)
        {
            for (var p = 0; p < samples; p++)
            {
                var i = learnOrder[e * samples + p];
                if ((uint)i >= (uint)samples) throw new InvalidDataException($"learn_order[{e}, {p}] = {i} is outside [0, {samples}).");
                if (seen[i] == e + 1) throw new InvalidDataException($"learn_order row {e} lists sample {i} twice; each epoch must see every sample once.");
                seen[i] = e + 1;
                var score = double.CreateChecked(learnScore[e * samples + p]);
                if (double.IsNaN(score)) throw new InvalidDataException($"learn_score[{e}, {p}] is NaN.");
                if (score < threshold)
                {
                    epoch[i] = -1;
                    step[i] = -1;
                }
                else if (score > threshold && epoch[i] == -1)
                {
                    epoch[i] = e;
                    step[i] = (long)e * samples + p;
                }
            }
        }
        var (withSentinel, sentinel) = WithSentinel(step);
        return new SsftLearningTimes(epoch, step, withSentinel, sentinel);
    }

    /// <summary>Forgetting times from the forgetting phase.</summary>
    /// <param name="forgetProb"><c>[T, n]</c> true-class probability of each first-split sample at each log, T = E2·L.</param>
    /// <param name="samples">n, the first split's size.</param>
    /// <param name="logsPerEpoch">L, logs per epoch of the second-split training (5 in the seed).</param>
    /// <param name="stepsPerEpoch">Training steps per epoch used for the step formula (235 in the seed; the golden fixture uses 12).</param>
    /// <param name="threshold">Threshold (0.5).</param>
    /// <exception cref="InvalidDataException">Shapes disagree or a value is NaN.</exception>
    public static SsftForgettingTimes Forgetting<T>(ReadOnlySpan<T> forgetProb, int samples, int logsPerEpoch, int stepsPerEpoch, double threshold = DefaultThreshold)
        where T : unmanaged, INumberBase<T>
    {
        if (samples < 1) throw new ArgumentException($"The split needs at least one sample, got {samples}.", nameof(samples));
        if (logsPerEpoch < 1) throw new ArgumentException($"Logs per epoch must be positive, got {logsPerEpoch}.", nameof(logsPerEpoch));
        if (stepsPerEpoch < 1) throw new ArgumentException($"Steps per epoch must be positive, got {stepsPerEpoch}.", nameof(stepsPerEpoch));
        if (forgetProb.Length % ((long)samples * logsPerEpoch) != 0)
            throw new InvalidDataException($"forget_prob holds {forgetProb.Length} values; it must be [E2·{logsPerEpoch}, {samples}].");
        var logs = forgetProb.Length / samples;
        var logIndex = new int[samples];
        Array.Fill(logIndex, -1);
        for (var t = 0; t < logs; t++)
        {
            for (var i = 0; i < samples; i++)
            {
                var p = double.CreateChecked(forgetProb[t * samples + i]);
                if (double.IsNaN(p)) throw new InvalidDataException($"forget_prob[{t}, {i}] is NaN.");
                if (p > threshold) logIndex[i] = -1;
                else if (p < threshold && logIndex[i] == -1) logIndex[i] = t;
            }
        }
        var epoch = new int[samples];
        var step = new long[samples];
        for (var i = 0; i < samples; i++)
        {
            var t = logIndex[i];
            epoch[i] = t < 0 ? -1 : t / logsPerEpoch;
            step[i] = t < 0 ? -1 : ForgettingStep(t / logsPerEpoch, t % logsPerEpoch, logsPerEpoch, stepsPerEpoch);
        }
        var (withSentinel, sentinel) = WithSentinel(step);
        return new SsftForgettingTimes(epoch, logIndex, step, withSentinel, sentinel);
    }

    /// <summary>
    /// The seed's step of a log: (epoch·(L−1) + log)·⌊stepsPerEpoch/(L−1)⌋, so log L−1 of epoch e equals log 0 of
    /// epoch e+1 (the original's quirk). With one log per epoch: epoch·stepsPerEpoch.
    /// </summary>
    public static long ForgettingStep(int epoch, int log, int logsPerEpoch, int stepsPerEpoch)
    {
        if (logsPerEpoch == 1) return (long)epoch * stepsPerEpoch;
        var gaps = logsPerEpoch - 1;
        return ((long)epoch * gaps + log) * (stepsPerEpoch / gaps);
    }

    /// <summary>
    /// Reorders values recorded in the order seen (<c>[E, n]</c>, as <c>learn_score</c>/<c>learn_correct</c>) into
    /// <c>[E, n]</c> by local sample, using <paramref name="order"/> (<c>learn_order</c>).
    /// </summary>
    public static T[] BySample<T>(ReadOnlySpan<int> order, ReadOnlySpan<T> valuesInOrder, int samples)
    {
        if (samples < 1 || order.Length != valuesInOrder.Length || order.Length % samples != 0)
            throw new InvalidDataException($"Order ({order.Length}) and values ({valuesInOrder.Length}) must both be [E, {samples}].");
        var result = new T[order.Length];
        var epochs = order.Length / samples;
        for (var e = 0; e < epochs; e++)
        {
            for (var p = 0; p < samples; p++)
            {
                var i = order[e * samples + p];
                if ((uint)i >= (uint)samples) throw new InvalidDataException($"order[{e}, {p}] = {i} is outside [0, {samples}).");
                result[e * samples + i] = valuesInOrder[e * samples + p];
            }
        }
        return result;
    }

    private static (long[] Values, long Sentinel) WithSentinel(long[] step)
    {
        var max = -1L;
        foreach (var s in step) max = Math.Max(max, s);
        var sentinel = max + SentinelOffset;
        return (step.Select(s => s < 0 ? sentinel : s).ToArray(), sentinel);
    }
}
