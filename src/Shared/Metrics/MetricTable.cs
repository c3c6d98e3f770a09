namespace HardSamples.Shared.Metrics;

/// <summary>A named per-sample column.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Values">One value per row.</param>
public sealed record MetricColumn(string Name, double[] Values);

/// <summary>
/// A per-sample metric table: ordered, uniquely named float64 columns over the same rows, plus the sample index of
/// every row. Values are always finite: adding a NaN/Inf column throws, so writers never emit NaN.
/// </summary>
public sealed class MetricTable
{
    private readonly List<MetricColumn> _columns = [];
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);

    /// <summary>An empty table over samples 0..rowCount−1.</summary>
    public MetricTable(int rowCount) : this(Enumerable.Range(0, rowCount).ToArray())
    {
    }

    /// <summary>An empty table whose rows are the given sample indices.</summary>
    public MetricTable(int[] sampleIndex)
    {
        ArgumentNullException.ThrowIfNull(sampleIndex);
        SampleIndex = sampleIndex;
    }

    /// <summary>Sample index of each row (the <c>idx</c> column).</summary>
    public int[] SampleIndex { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount => SampleIndex.Length;

    /// <summary>Columns in order.</summary>
    public IReadOnlyList<MetricColumn> Columns => _columns;

    /// <summary>Column names in order.</summary>
    public IReadOnlyList<string> Names => _columns.ConvertAll(c => c.Name);

    /// <summary>Whether a column exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The values of a column.</summary>
    /// <exception cref="KeyNotFoundException">No such column.</exception>
    public double[] this[string name] => _byName.TryGetValue(name, out var i)
        ? _columns[i].Values
        : throw new KeyNotFoundException($"The metric table has no column '{name}'.");

    /// <summary>Appends a column.</summary>
    /// <exception cref="ArgumentException">Wrong length, empty or duplicate name.</exception>
    /// <exception cref="InvalidOperationException">A value is NaN or infinite (a metric must define every value).</exception>
    public void Add(string name, double[] values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != RowCount) throw new ArgumentException($"Column '{name}' has {values.Length} values for {RowCount} rows.", nameof(values));
        if (_byName.ContainsKey(name)) throw new ArgumentException($"Column '{name}' already exists.", nameof(name));
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new InvalidOperationException($"Column '{name}' has the non-finite value {values[i]} at row {i} (sample {SampleIndex[i]}).");
        }
        _byName[name] = _columns.Count;
        _columns.Add(new MetricColumn(name, values));
    }

    /// <summary>
    /// The table restricted to the rows holding <paramref name="sampleIndices"/> (in that order), e.g. one SSFT
    /// split's samples before correlating with its learning/forgetting times.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A sample index is not in the table.</exception>
    public MetricTable SelectSamples(IReadOnlyList<int> sampleIndices)
    {
        ArgumentNullException.ThrowIfNull(sampleIndices);
        var rowOf = new Dictionary<int, int>(RowCount);
        for (var r = 0; r < RowCount; r++) rowOf[SampleIndex[r]] = r;
        var rows = new int[sampleIndices.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            if (!rowOf.TryGetValue(sampleIndices[i], out rows[i]))
                throw new KeyNotFoundException($"Sample {sampleIndices[i]} is not in the metric table.");
        }
        var subset = new MetricTable([.. sampleIndices]);
        foreach (var column in _columns)
        {
            var values = new double[rows.Length];
            for (var i = 0; i < rows.Length; i++) values[i] = column.Values[rows[i]];
            subset.Add(column.Name, values);
        }
        return subset;
    }

    /// <summary>Appends a column.</summary>
    public void Add(MetricColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        Add(column.Name, column.Values);
    }
}
