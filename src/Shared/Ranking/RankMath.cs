namespace HardSamples.Shared.Ranking;

/// <summary>Rank and threshold helpers used by the ranking (float64, NaN-aware).</summary>
public static class RankMath
{
    /// <summary>
    /// Average ranks 1..m of the non-NaN values (ties share the mean of their ranks, as <c>scipy.stats.rankdata</c>);
    /// NaN values get NaN.
    /// </summary>
    public static double[] AverageRanks(ReadOnlySpan<double> values)
    {
        var ranks = new double[values.Length];
        var idx = new List<int>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i])) ranks[i] = double.NaN;
            else idx.Add(i);
        }
        var order = idx.ToArray();
        var keys = new double[order.Length];
        for (var k = 0; k < order.Length; k++) keys[k] = values[order[k]];
        Array.Sort(keys, order);
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && keys[end] == keys[start]) end++;
            var mean = (start + 1 + end) / 2.0;
            for (var k = start; k < end; k++) ranks[order[k]] = mean;
            start = end;
        }
        return ranks;
    }

    /// <summary>Spearman correlation over the rows where both values are finite; NaN when fewer than 2 or a side is constant.</summary>
    public static double Spearman(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Lengths differ: {x.Length} vs {y.Length}.");
        var keep = new List<int>(x.Length);
        for (var i = 0; i < x.Length; i++) if (double.IsFinite(x[i]) && double.IsFinite(y[i])) keep.Add(i);
        if (keep.Count < 2) return double.NaN;
        var xs = new double[keep.Count];
        var ys = new double[keep.Count];
        for (var k = 0; k < keep.Count; k++) { xs[k] = x[keep[k]]; ys[k] = y[keep[k]]; }
        return Pearson(AverageRanks(xs), AverageRanks(ys));
    }

    /// <summary>
    /// ROC AUC of <paramref name="scores"/> for the positives (<paramref name="positive"/> true), by the Mann–Whitney
    /// statistic with average ranks (ties count ½), as <c>sklearn.metrics.roc_auc_score</c>. NaN scores are skipped;
    /// NaN when a class is empty.
    /// </summary>
    public static double Auc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        if (scores.Length != positive.Length) throw new ArgumentException($"Lengths differ: {scores.Length} vs {positive.Length}.");
        var keep = new List<int>(scores.Length);
        for (var i = 0; i < scores.Length; i++) if (!double.IsNaN(scores[i])) keep.Add(i);
        var xs = new double[keep.Count];
        for (var k = 0; k < keep.Count; k++) xs[k] = scores[keep[k]];
        var ranks = AverageRanks(xs);
        double pos = 0, sum = 0;
        for (var k = 0; k < keep.Count; k++)
            if (positive[keep[k]]) { pos++; sum += ranks[k]; }
        var neg = keep.Count - pos;
        return pos == 0 || neg == 0 ? double.NaN : (sum - pos * (pos + 1) / 2) / (pos * neg);
    }

    /// <summary>Pearson correlation; NaN when a side is constant.</summary>
    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double mx = 0, my = 0;
        for (var i = 0; i < x.Length; i++) { mx += x[i]; my += y[i]; }
        mx /= x.Length; my /= y.Length;
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var dx = x[i] - mx; var dy = y[i] - my;
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>(x − mean)/std with population std over the finite values; 0 for a constant column; NaN stays NaN.</summary>
    public static double[] ZScores(ReadOnlySpan<double> values)
    {
        double sum = 0; var n = 0;
        foreach (var v in values) if (double.IsFinite(v)) { sum += v; n++; }
        var z = new double[values.Length];
        if (n == 0) { Array.Fill(z, double.NaN); return z; }
        var mean = sum / n;
        double ss = 0;
        foreach (var v in values) if (double.IsFinite(v)) ss += (v - mean) * (v - mean);
        var std = Math.Sqrt(ss / n);
        for (var i = 0; i < values.Length; i++)
            z[i] = !double.IsFinite(values[i]) ? double.NaN : std == 0 ? 0 : (values[i] - mean) / std;
        return z;
    }

    /// <summary>
    /// Otsu's two-class split of a 1-D sample: the cut that maximises the between-class variance
    /// w₀·w₁·(μ₀ − μ₁)² (equivalently, minimises the within-class sum of squares; the exact 1-D 2-means optimum over
    /// every cut between distinct sorted values). Returns the midpoint between the last value of the lower class and the
    /// first of the upper one; values ≤ the threshold form the lower class. With fewer than two distinct finite
    /// values the single value itself is returned (everything in the lower class); NaN for an empty sample.
    /// </summary>
    public static double OtsuThreshold(ReadOnlySpan<double> values)
    {
        var xs = FiniteSorted(values);
        if (xs.Length == 0) return double.NaN;
        if (xs[0] == xs[^1]) return xs[0];
        double total = 0;
        foreach (var v in xs) total += v;
        var n = xs.Length;
        double best = double.NegativeInfinity, threshold = xs[0], prefix = 0;
        for (var i = 1; i < n; i++)
        {
            prefix += xs[i - 1];
            if (xs[i] == xs[i - 1]) continue;
            var w0 = (double)i / n;
            var m0 = prefix / i;
            var m1 = (total - prefix) / (n - i);
            var between = w0 * (1 - w0) * (m0 - m1) * (m0 - m1);
            if (between > best)
            {
                best = between;
                threshold = (xs[i - 1] + xs[i]) / 2;
            }
        }
        return threshold;
    }

    /// <summary>Quantile with linear interpolation between order statistics (NumPy's default), over finite values; NaN when none.</summary>
    public static double Quantile(ReadOnlySpan<double> values, double q)
    {
        if (q is < 0 or > 1 || double.IsNaN(q)) throw new ArgumentOutOfRangeException(nameof(q), q, "Quantile must be in [0, 1].");
        var xs = FiniteSorted(values);
        if (xs.Length == 0) return double.NaN;
        var pos = q * (xs.Length - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(lo + 1, xs.Length - 1);
        return xs[lo] + (pos - lo) * (xs[hi] - xs[lo]);
    }

    private static double[] FiniteSorted(ReadOnlySpan<double> values)
    {
        var list = new List<double>(values.Length);
        foreach (var v in values) if (double.IsFinite(v)) list.Add(v);
        var xs = list.ToArray();
        Array.Sort(xs);
        return xs;
    }
}
