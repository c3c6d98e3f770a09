namespace HardSamples.Shared.Metrics;

/// <summary>
/// Rank statistics: average ranks (ties share the mean rank), Spearman's ρ (SciPy's <c>spearmanr</c> = Pearson on
/// average ranks) and tie-aware ROC AUC (scikit-learn's <c>roc_auc_score</c>, via the Mann–Whitney U statistic).
/// </summary>
public static class RankStatistics
{
    /// <summary>1-based average ranks of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">A value is NaN.</exception>
    public static double[] AverageRanks(ReadOnlySpan<double> values)
    {
        var n = values.Length;
        var order = new int[n];
        var keys = values.ToArray();
        for (var i = 0; i < n; i++)
        {
            if (double.IsNaN(keys[i])) throw new ArgumentException($"Value {i} is NaN; ranks need comparable values.", nameof(values));
            order[i] = i;
        }
        Array.Sort(keys, order);
        var ranks = new double[n];
        var start = 0;
        while (start < n)
        {
            var end = start + 1;
            while (end < n && keys[end] == keys[start]) end++;
            var rank = (start + 1 + end) / 2.0;
            for (var t = start; t < end; t++) ranks[order[t]] = rank;
            start = end;
        }
        return ranks;
    }

    /// <summary>Spearman's ρ; 0 when either input is constant (SciPy gives NaN there).</summary>
    public static double Spearman(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length) throw new ArgumentException($"Spearman needs equal lengths, got {x.Length} and {y.Length}.");
        if (x.Length < 2) throw new ArgumentException("Spearman needs at least two values.");
        return PearsonOfRanks(AverageRanks(x), AverageRanks(y));
    }

    /// <summary>Pearson correlation of two rank vectors (NumPy <c>corrcoef</c> arithmetic), clipped to [−1, 1]; 0 when one is constant.</summary>
    public static double PearsonOfRanks(ReadOnlySpan<double> rx, ReadOnlySpan<double> ry)
    {
        var n = rx.Length;
        double mx = 0, my = 0;
        for (var i = 0; i < n; i++)
        {
            mx += rx[i];
            my += ry[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0, syy = 0, sxy = 0;
        for (var i = 0; i < n; i++)
        {
            var dx = rx[i] - mx;
            var dy = ry[i] - my;
            sxx += dx * dx;
            syy += dy * dy;
            sxy += dx * dy;
        }
        if (sxx == 0 || syy == 0) return 0;
        var f = n - 1.0;
        var r = sxy / f / Math.Sqrt(sxx / f) / Math.Sqrt(syy / f);
        return Math.Clamp(r, -1.0, 1.0);
    }

    /// <summary>ROC AUC of <paramref name="scores"/> for the binary <paramref name="positive"/>; ties count one half. 0.5 for constant scores.</summary>
    /// <exception cref="ArgumentException">Only one class present.</exception>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        if (scores.Length != positive.Length) throw new ArgumentException($"AUC needs equal lengths, got {scores.Length} scores and {positive.Length} labels.");
        return RocAucFromRanks(AverageRanks(scores), positive);
    }

    /// <summary>ROC AUC from precomputed average ranks of the scores.</summary>
    public static double RocAucFromRanks(ReadOnlySpan<double> ranks, ReadOnlySpan<bool> positive)
    {
        long nPos = 0;
        var rankSum = 0.0;
        for (var i = 0; i < ranks.Length; i++)
        {
            if (!positive[i]) continue;
            nPos++;
            rankSum += ranks[i];
        }
        var nNeg = ranks.Length - nPos;
        if (nPos == 0 || nNeg == 0) throw new ArgumentException($"AUC needs both classes; got {nPos} positives and {nNeg} negatives.");
        var u = rankSum - nPos * (nPos + 1) / 2.0;
        return u / ((double)nPos * nNeg);
    }

    /// <summary>The AUC turned so that larger means "more suspicious": auc when ρ ≥ 0, else 1 − auc.</summary>
    public static double OrientedAuc(double auc, double srcc) => srcc >= 0 ? auc : 1 - auc;
}
