using HardSamples.Shared.Metrics.Kernels;

namespace HardSamples.Shared.Metrics;

/// <summary>
/// The seed's per-epoch series (loss, H, L2, dif_L1, dif_L2) and their aggregates for a range of samples, streamed
/// over blocks of samples so memory stays O(block × epochs). Multi-core over sample blocks.
/// </summary>
public static class SeriesColumns
{
    private const int Block = 64;

    /// <summary>The aggregate plans, in column order, for <paramref name="epochs"/> epochs.</summary>
    public static IReadOnlyList<(string Series, IReadOnlyList<AggregateColumn> Plan)> Plans(int epochs, IReadOnlyList<int> ks) =>
    [
        (MetricNames.Loss, SeriesAggregates.Plan(MetricNames.Loss, epochs, ks, true)),
        (MetricNames.Entropy, SeriesAggregates.Plan(MetricNames.Entropy, epochs, ks, true)),
        (MetricNames.L2, SeriesAggregates.Plan(MetricNames.L2, epochs, ks, true)),
        (MetricNames.DiffL1, SeriesAggregates.Plan(MetricNames.DiffL1, epochs - 1, ks, false)),
        (MetricNames.DiffL2, SeriesAggregates.Plan(MetricNames.DiffL2, epochs - 1, ks, false)),
    ];

    /// <summary>
    /// Aggregate columns for samples [<paramref name="rowStart"/>, +<paramref name="rowCount"/>).
    /// <paramref name="embeddings"/> is <c>[E, N, D]</c> and <paramref name="losses"/> <c>[E, N]</c>, C order.
    /// </summary>
    public static IReadOnlyList<MetricColumn> Compute(float[] embeddings, float[] losses, int epochs, int samples, int dim,
        int rowStart, int rowCount, IReadOnlyList<int> ks, ParallelOptions? parallel = null)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(losses);
        if (epochs < 1 || samples < 1 || dim < 1) throw new ArgumentException($"Need at least one epoch, sample and dimension (E={epochs}, N={samples}, D={dim}).");
        if (embeddings.LongLength != (long)epochs * samples * dim) throw new ArgumentException($"Embeddings hold {embeddings.LongLength} values, not E×N×D = {(long)epochs * samples * dim}.", nameof(embeddings));
        if (losses.LongLength != (long)epochs * samples) throw new ArgumentException($"Losses hold {losses.LongLength} values, not E×N = {(long)epochs * samples}.", nameof(losses));
        if (rowStart < 0 || rowCount < 0 || rowStart + rowCount > samples) throw new ArgumentOutOfRangeException(nameof(rowStart), $"Rows [{rowStart}, {rowStart + rowCount}) are outside [0, {samples}).");
        var plans = Plans(epochs, ks);
        var outputs = plans.Select(p => p.Plan.Select(_ => new double[rowCount]).ToArray()).ToArray();
        var blocks = (rowCount + Block - 1) / Block;
        Parallelism.For(0, blocks, parallel ?? new ParallelOptions(), b =>
        {
            var first = b * Block;
            var count = Math.Min(Block, rowCount - first);
            ComputeBlock(embeddings, losses, epochs, samples, dim, rowStart + first, count, plans, outputs, first);
        });
        var columns = new List<MetricColumn>();
        for (var s = 0; s < plans.Count; s++)
        {
            for (var c = 0; c < plans[s].Plan.Count; c++) columns.Add(new MetricColumn(plans[s].Plan[c].Name, outputs[s][c]));
        }
        return columns;
    }

    private static void ComputeBlock(float[] emb, float[] loss, int epochs, int samples, int dim, int sample0, int count,
        IReadOnlyList<(string Series, IReadOnlyList<AggregateColumn> Plan)> plans, double[][][] outputs, int outRow0)
    {
        // series[s][i * epochs + t]
        var series = new double[5][];
        for (var s = 0; s < 5; s++) series[s] = new double[count * epochs];
        for (var t = 0; t < epochs; t++)
        {
            for (var i = 0; i < count; i++)
            {
                var sample = sample0 + i;
                var at = ((long)t * samples + sample) * dim;
                var row = emb.AsSpan(checked((int)at), dim);
                var l = loss[(long)t * samples + sample];
                if (!float.IsFinite(l)) throw new InvalidDataException($"Loss of sample {sample} at epoch {t} is {l}.");
                series[0][i * epochs + t] = l;
                series[1][i * epochs + t] = Entropy(row, sample, t);
                series[2][i * epochs + t] = SeriesMetrics.L2(row);
                if (t > 0)
                {
                    var prev = emb.AsSpan(checked((int)(at - (long)samples * dim)), dim);
                    series[3][i * epochs + t - 1] = SeriesMetrics.DiffL1(prev, row);
                    series[4][i * epochs + t - 1] = SeriesMetrics.DiffL2(prev, row);
                }
            }
        }
        Span<double> buffer = stackalloc double[plans.Max(p => p.Plan.Count)];
        for (var s = 0; s < 5; s++)
        {
            var plan = plans[s].Plan;
            if (plan.Count == 0) continue;
            var length = s < 3 ? epochs : epochs - 1;
            var values = buffer[..plan.Count];
            for (var i = 0; i < count; i++)
            {
                SeriesAggregates.Evaluate(plan, series[s].AsSpan(i * epochs, length), values);
                for (var c = 0; c < plan.Count; c++) outputs[s][c][outRow0 + i] = values[c];
            }
        }
    }

    private static double Entropy(ReadOnlySpan<float> row, int sample, int epoch)
    {
        foreach (var v in row)
        {
            if (!float.IsFinite(v)) throw new InvalidDataException($"Embedding of sample {sample} at epoch {epoch} contains {v}.");
        }
        try
        {
            return SeriesMetrics.Entropy(row);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Sample {sample} at epoch {epoch}: {e.Message}", e);
        }
    }
}
