using HardSamples.Shared.Metrics;
using HardSamples.Shared.Ranking;

namespace HardSamples.Shared.Evaluation;

/// <summary>Per-sample SSFT times of a whole dataset, both directions merged (NaN = sample in neither first split).</summary>
/// <param name="Learn">Learning step; +∞ = never learnt.</param>
/// <param name="Forget">Forgetting step; +∞ = never forgotten.</param>
public sealed record SsftSampleTimes(double[] Learn, double[] Forget);

/// <summary>
/// One SSFT direction as stored by the probe (<c>sample_index</c>, learning and forgetting arrays); StepsPerEpoch is
/// the number of training batches per epoch on the second split (the forgetting step unit).
/// </summary>
public sealed record SsftDirection(int[] SampleIndex, int[] LearnOrder, float[] LearnScore, float[] ForgetProb, int LogsPerEpoch, int StepsPerEpoch);

/// <summary>
/// Pure computations behind <c>docs/RESULTS.md</c> (issue 9): metric separation of injected kinds, SSFT flip
/// detection and categories, and AE-metric / SSFT-time correlations. No I/O.
/// </summary>
public static class SeedEvaluation
{
    /// <summary>Injected kinds reported as targets (data contract: 1 mixture, 3 near-duplicate).</summary>
    public static IReadOnlyList<(string Name, int Kind)> Targets { get; } = [("mixture", 1), ("near_duplicate", 3)];

    /// <summary>SRCC and oriented AUC of every metric against each injected kind present in <paramref name="injected"/>.</summary>
    public static IReadOnlyList<MetricSeparationRow> Separation(string run, MetricTable table, ReadOnlySpan<int> injected)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rows = new List<MetricSeparationRow>();
        var own = SelectInjected(table, injected);
        foreach (var (name, kind) in Targets)
        {
            var target = new double[table.RowCount];
            var positives = 0;
            for (var r = 0; r < target.Length; r++)
                if (own[r] == kind) { target[r] = 1; positives++; }
            if (positives == 0 || positives == target.Length) continue;
            foreach (var c in MetricCorrelations.Compute(table, target))
                rows.Add(new MetricSeparationRow(run, c.Metric, name, positives, target.Length, c.Srcc, c.AucOriented!.Value));
        }
        return rows;
    }

    /// <summary>
    /// Mixture AUC of the AE loss (larger = mixture) at each recorded epoch: <paramref name="losses"/> is
    /// <c>[E, n]</c> over the samples <paramref name="sampleIndex"/>, <paramref name="epochs"/> the recorded epoch numbers.
    /// </summary>
    public static IReadOnlyList<LossAucRow> LossAucByEpoch(string run, ReadOnlySpan<float> losses, ReadOnlySpan<int> epochs, ReadOnlySpan<int> sampleIndex, ReadOnlySpan<int> injected)
    {
        var n = sampleIndex.Length;
        if (n == 0 || losses.Length != epochs.Length * n)
            throw new InvalidDataException($"losses hold {losses.Length} values; expected [{epochs.Length}, {n}].");
        var positive = new bool[n];
        for (var i = 0; i < n; i++)
        {
            if ((uint)sampleIndex[i] >= (uint)injected.Length) throw new InvalidDataException($"AE sample_index {sampleIndex[i]} is outside the dataset (N = {injected.Length}).");
            positive[i] = injected[sampleIndex[i]] == 1;
        }
        if (!positive.Contains(true) || !positive.Contains(false)) return [];
        var rows = new LossAucRow[epochs.Length];
        var values = new double[n];
        for (var e = 0; e < epochs.Length; e++)
        {
            for (var i = 0; i < n; i++) values[i] = losses[e * n + i];
            rows[e] = new LossAucRow(run, epochs[e], RankStatistics.RocAuc(values, positive));
        }
        return rows;
    }

    /// <summary>Merges the SSFT directions into per-sample learning/forgetting steps over <paramref name="samples"/> samples.</summary>
    public static SsftSampleTimes MergeDirections(int samples, IEnumerable<SsftDirection> directions)
    {
        var learn = new double[samples];
        var forget = new double[samples];
        Array.Fill(learn, double.NaN);
        Array.Fill(forget, double.NaN);
        foreach (var d in directions)
        {
            var n = d.SampleIndex.Length;
            var l = SsftTimes.Learning<float>(d.LearnOrder, d.LearnScore, n);
            var f = SsftTimes.Forgetting<float>(d.ForgetProb, n, d.LogsPerEpoch, d.StepsPerEpoch);
            for (var i = 0; i < n; i++)
            {
                var g = d.SampleIndex[i];
                if ((uint)g >= (uint)samples) throw new InvalidDataException($"SSFT sample_index {g} is outside the dataset (N = {samples}).");
                if (!double.IsNaN(learn[g])) throw new InvalidDataException($"Sample {g} is in the first split of two SSFT directions.");
                learn[g] = l.Step[i] < 0 ? double.PositiveInfinity : l.Step[i];
                forget[g] = f.Step[i] < 0 ? double.PositiveInfinity : f.Step[i];
            }
        }
        return new SsftSampleTimes(learn, forget);
    }

    /// <summary>
    /// Flip-detection AUC of three scores over the samples with SSFT times: <c>learn_time</c> (later = suspicious),
    /// <c>forget_time</c> (earlier = suspicious) and <c>learn+forget rank</c> (mean of both oriented ranks).
    /// </summary>
    public static IReadOnlyList<SsftDetectionRow> Detection(string run, double flipRate, SsftSampleTimes times, ReadOnlySpan<int> injected)
    {
        var (learn, forget, flipped) = Covered(times, injected);
        var flips = flipped.Count(x => x);
        if (flips == 0 || flips == flipped.Length) return [];
        var negForget = forget.Select(v => -v).ToArray();
        var learnRanks = RankStatistics.AverageRanks(learn);
        var forgetRanks = RankStatistics.AverageRanks(negForget);
        var combined = learnRanks.Select((r, i) => (r + forgetRanks[i]) / 2).ToArray();
        return
        [
            new(run, flipRate, flips, learn.Length, "learn_time", RankStatistics.RocAuc(learn, flipped)),
            new(run, flipRate, flips, learn.Length, "forget_time (earlier = flagged)", RankStatistics.RocAuc(negForget, flipped)),
            new(run, flipRate, flips, learn.Length, "learn+forget mean rank", RankStatistics.RocAuc(combined, flipped)),
        ];
    }

    /// <summary>
    /// SSFT categories (Maini et al. 2022) from the ranking's <see cref="SsftCategorizer"/> (Otsu thresholds, the same
    /// rule <c>hardsamples rank</c> uses) against the injected flips: "mislabeled" = learnt late and forgotten early.
    /// </summary>
    public static SsftCategoryRow Categories(string run, double flipRate, SsftSampleTimes times, ReadOnlySpan<int> injected)
    {
        var (learn, forget, flipped) = Covered(times, injected);
        var kinds = CoveredKinds(times, injected);
        var result = SsftCategorizer.Categorize(learn, forget);
        int flagged = 0, caught = 0, ambiguous = 0, atypical = 0, mixtures = 0;
        for (var i = 0; i < learn.Length; i++)
        {
            switch (result.Categories[i])
            {
                case SsftCategory.Mislabeled:
                    flagged++;
                    if (flipped[i]) caught++;
                    if (kinds[i] == 1) mixtures++;
                    break;
                case SsftCategory.Ambiguous:
                    ambiguous++;
                    break;
                case SsftCategory.Atypical:
                    atypical++;
                    break;
            }
        }
        var flips = flipped.Count(x => x);
        return new SsftCategoryRow(run, flipRate, flips, learn.Length, flagged, caught,
            flagged == 0 ? 0 : (double)caught / flagged, flips == 0 ? 0 : (double)caught / flips,
            result.Thresholds.LearnLate, result.Thresholds.ForgetEarly, ambiguous, atypical, mixtures);
    }

    /// <summary>SRCC of every AE metric with the SSFT learning and forgetting steps (samples with SSFT times only).</summary>
    public static IReadOnlyList<AeSsftRow> AeVersusSsft(string run, MetricTable table, SsftSampleTimes times)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rows = new List<int>();
        for (var r = 0; r < table.RowCount; r++)
        {
            var g = table.SampleIndex[r];
            if ((uint)g < (uint)times.Learn.Length && !double.IsNaN(times.Learn[g])) rows.Add(r);
        }
        if (rows.Count < 2) return [];
        var learn = rows.Select(r => times.Learn[table.SampleIndex[r]]).ToArray();
        var forget = rows.Select(r => times.Forget[table.SampleIndex[r]]).ToArray();
        var result = new List<AeSsftRow>();
        foreach (var column in table.Columns)
        {
            var x = rows.Select(r => column.Values[r]).ToArray();
            result.Add(new AeSsftRow(run, column.Name, "learning", rows.Count, RankStatistics.Spearman(x, learn)));
            result.Add(new AeSsftRow(run, column.Name, "forgetting", rows.Count, RankStatistics.Spearman(x, forget)));
        }
        return result;
    }

    private static int[] SelectInjected(MetricTable table, ReadOnlySpan<int> injected)
    {
        var own = new int[table.RowCount];
        for (var r = 0; r < own.Length; r++)
        {
            var g = table.SampleIndex[r];
            if ((uint)g >= (uint)injected.Length) throw new InvalidDataException($"Metric row {r} names sample {g}, outside the dataset (N = {injected.Length}).");
            own[r] = injected[g];
        }
        return own;
    }

    private static int[] CoveredKinds(SsftSampleTimes times, ReadOnlySpan<int> injected)
    {
        var kinds = new List<int>();
        for (var i = 0; i < injected.Length; i++)
            if (!double.IsNaN(times.Learn[i])) kinds.Add(injected[i]);
        return [.. kinds];
    }

    private static (double[] Learn, double[] Forget, bool[] Flipped) Covered(SsftSampleTimes times, ReadOnlySpan<int> injected)
    {
        if (times.Learn.Length != injected.Length || times.Forget.Length != injected.Length)
            throw new ArgumentException($"SSFT times cover {times.Learn.Length} samples, the dataset has {injected.Length}.");
        var learn = new List<double>();
        var forget = new List<double>();
        var flipped = new List<bool>();
        for (var i = 0; i < injected.Length; i++)
        {
            if (double.IsNaN(times.Learn[i])) continue;
            learn.Add(times.Learn[i]);
            forget.Add(times.Forget[i]);
            flipped.Add(injected[i] == 2);
        }
        return (learn.ToArray(), forget.ToArray(), flipped.ToArray());
    }
}
