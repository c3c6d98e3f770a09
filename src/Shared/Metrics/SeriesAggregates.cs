namespace HardSamples.Shared.Metrics;

/// <summary>What an aggregate column computes.</summary>
public enum AggregateKind
{
    /// <summary>The last value.</summary>
    Last,
    /// <summary>Mean over positions ≥ start.</summary>
    Mean,
    /// <summary>Population standard deviation over positions ≥ start.</summary>
    Std,
    /// <summary>Population variance over positions ≥ start.</summary>
    Var,
    /// <summary>Last value minus the value at start.</summary>
    DiffLast,
}

/// <summary>One aggregate column of a series: its name, kind and the first position it covers.</summary>
/// <param name="Name">Column name (see <see cref="MetricNames"/>).</param>
/// <param name="Kind">Aggregate.</param>
/// <param name="Start">First position of the series included (positions are epochs or snapshots, ascending).</param>
public sealed record AggregateColumn(string Name, AggregateKind Kind, int Start);

/// <summary>
/// Aggregates of a per-sample series, exactly as the golden README defines them: <c>__last</c>; for each k the
/// positions with epoch ≥ k give <c>__mean_from_k</c>, <c>__std_from_k</c>, <c>__var_from_k</c> (population, ddof 0)
/// and optionally <c>__diff_last_k</c> = s[−1] − s[k]. A mean needs one selected position, std/var need two (so they
/// are omitted when a single snapshot is selected); a k that selects nothing yields no columns.
/// Sums run in position order (as NumPy reduces along the epoch axis).
/// </summary>
public static class SeriesAggregates
{
    /// <summary>The columns for a series observed at <paramref name="epochs"/> (ascending).</summary>
    /// <exception cref="ArgumentException">Epochs not strictly ascending, a negative or repeated k.</exception>
    public static IReadOnlyList<AggregateColumn> Plan(string series, IReadOnlyList<int> epochs, IReadOnlyList<int> ks, bool withDiffLast)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(epochs);
        ValidateKs(ks);
        for (var p = 1; p < epochs.Count; p++)
        {
            if (epochs[p] <= epochs[p - 1]) throw new ArgumentException($"Epochs of series '{series}' must be strictly ascending.", nameof(epochs));
        }
        var columns = new List<AggregateColumn>();
        if (epochs.Count == 0) return columns;
        columns.Add(new AggregateColumn(MetricNames.Last(series), AggregateKind.Last, epochs.Count - 1));
        foreach (var k in ks)
        {
            var start = 0;
            while (start < epochs.Count && epochs[start] < k) start++;
            var selected = epochs.Count - start;
            if (selected < 1) continue;
            columns.Add(new AggregateColumn(MetricNames.MeanFrom(series, k), AggregateKind.Mean, start));
            if (selected >= 2)
            {
                columns.Add(new AggregateColumn(MetricNames.StdFrom(series, k), AggregateKind.Std, start));
                columns.Add(new AggregateColumn(MetricNames.VarFrom(series, k), AggregateKind.Var, start));
            }
            if (withDiffLast) columns.Add(new AggregateColumn(MetricNames.DiffLast(series, k), AggregateKind.DiffLast, start));
        }
        return columns;
    }

    /// <summary>The columns of a series observed at every epoch 0..length−1.</summary>
    public static IReadOnlyList<AggregateColumn> Plan(string series, int length, IReadOnlyList<int> ks, bool withDiffLast) =>
        Plan(series, Enumerable.Range(0, Math.Max(0, length)).ToArray(), ks, withDiffLast);

    /// <summary>Evaluates every planned column on one sample's series.</summary>
    public static void Evaluate(IReadOnlyList<AggregateColumn> plan, ReadOnlySpan<double> values, Span<double> output)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (output.Length < plan.Count) throw new ArgumentException("Output is shorter than the plan.", nameof(output));
        var cachedStart = -1;
        double mean = 0, variance = 0;
        var varianceReady = false;
        for (var c = 0; c < plan.Count; c++)
        {
            var col = plan[c];
            switch (col.Kind)
            {
                case AggregateKind.Last:
                    output[c] = values[^1];
                    continue;
                case AggregateKind.DiffLast:
                    output[c] = values[^1] - values[col.Start];
                    continue;
            }
            if (col.Start != cachedStart)
            {
                cachedStart = col.Start;
                mean = Mean(values[col.Start..]);
                varianceReady = false;
            }
            if (col.Kind == AggregateKind.Mean)
            {
                output[c] = mean;
                continue;
            }
            if (!varianceReady)
            {
                variance = Variance(values[col.Start..], mean);
                varianceReady = true;
            }
            output[c] = col.Kind == AggregateKind.Var ? variance : Math.Sqrt(variance);
        }
    }

    /// <summary>Mean, summed in order.</summary>
    public static double Mean(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty) throw new ArgumentException("The mean of an empty series is undefined.", nameof(values));
        var sum = 0.0;
        foreach (var v in values) sum += v;
        return sum / values.Length;
    }

    /// <summary>Population variance around <paramref name="mean"/> (two-pass, as NumPy's <c>var</c>).</summary>
    public static double Variance(ReadOnlySpan<double> values, double mean)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            var d = v - mean;
            sum += d * d;
        }
        return sum / values.Length;
    }

    internal static void ValidateKs(IReadOnlyList<int> ks)
    {
        ArgumentNullException.ThrowIfNull(ks);
        var seen = new HashSet<int>();
        foreach (var k in ks)
        {
            if (k < 0) throw new ArgumentException($"Aggregation start k must be non-negative, got {k}.", nameof(ks));
            if (!seen.Add(k)) throw new ArgumentException($"Aggregation start k = {k} is listed twice.", nameof(ks));
        }
    }
}
