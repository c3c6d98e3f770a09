using System.Numerics;

namespace HardSamples.Shared.Metrics.Extended;

/// <summary>Margin-based scores of every sample.</summary>
/// <param name="Aum">Area under the margin: the mean margin over epochs.</param>
/// <param name="LastMargin">The margin at the last epoch.</param>
public sealed record MarginScoreSet(double[] Aum, double[] LastMargin);

/// <summary>
/// Margins and the Area Under the Margin (Pleiss et al. 2020, "Identifying Mislabeled Data using the Area Under
/// the Margin Ranking", NeurIPS): margin = logit of the assigned label − the largest other logit, averaged over
/// epochs. Low or negative AUM flags likely mislabeled samples. Needs the probe's logits (<c>logits_*.npy</c>).
/// </summary>
public static class MarginScores
{
    /// <summary>Computes AUM and the last margin from logits <c>[E, n, C]</c> and assigned labels <c>[n]</c>.</summary>
    /// <exception cref="InvalidDataException">Shapes disagree, a label is outside [0, C), or a logit is not finite.</exception>
    public static MarginScoreSet Compute<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, int classes) where T : unmanaged, INumberBase<T>
    {
        var n = labels.Length;
        if (classes < 2 || n < 1 || logits.Length == 0 || logits.Length % ((long)n * classes) != 0)
            throw new InvalidDataException($"Logits ({logits.Length} values) must be [E ≥ 1, {n}, C ≥ 2] (C = {classes}).");
        var epochs = logits.Length / (n * classes);
        var aum = new double[n];
        var last = new double[n];
        for (var i = 0; i < n; i++)
        {
            var y = labels[i];
            if ((uint)y >= (uint)classes) throw new InvalidDataException($"Label {y} of sample {i} is outside [0, {classes}).");
            var sum = 0.0;
            for (var e = 0; e < epochs; e++)
            {
                var row = logits.Slice((e * n + i) * classes, classes);
                var assigned = double.CreateChecked(row[y]);
                var other = double.NegativeInfinity;
                for (var c = 0; c < classes; c++)
                {
                    var z = double.CreateChecked(row[c]);
                    if (!double.IsFinite(z)) throw new InvalidDataException($"Logit {c} of sample {i} at epoch {e} is {z}.");
                    if (c != y) other = Math.Max(other, z);
                }
                var margin = assigned - other;
                sum += margin;
                if (e == epochs - 1) last[i] = margin;
            }
            aum[i] = sum / epochs;
        }
        return new MarginScoreSet(aum, last);
    }
}
