using System.Numerics;

namespace HardSamples.Shared.Metrics.Extended;

/// <summary>
/// Example forgetting events (Toneva et al. 2019, "An Empirical Study of Example Forgetting during Deep Neural
/// Network Learning", ICLR): the number of times a sample goes from correctly to incorrectly classified between
/// consecutive presentations. Samples never classified correctly count as forgotten "infinitely often"; here they
/// get the number of presentations E (larger than any real count, which is at most ⌊E/2⌋).
/// </summary>
public static class ForgettingEvents
{
    /// <summary>Forgetting-event counts from <c>[E, n]</c> correctness by sample in presentation order (non-zero = correct).</summary>
    public static double[] Count<T>(ReadOnlySpan<T> correct, int samples) where T : unmanaged, INumberBase<T>
    {
        if (samples < 1 || correct.Length == 0 || correct.Length % samples != 0)
            throw new InvalidDataException($"Correctness ({correct.Length} values) must be [E ≥ 1, {samples}].");
        var epochs = correct.Length / samples;
        var result = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var events = 0;
            var everCorrect = false;
            var previous = false;
            for (var e = 0; e < epochs; e++)
            {
                var now = correct[e * samples + i] != T.Zero;
                if (previous && !now) events++;
                everCorrect |= now;
                previous = now;
            }
            result[i] = everCorrect ? events : epochs;
        }
        return result;
    }
}
