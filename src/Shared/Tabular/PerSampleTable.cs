using System.Text;

namespace HardSamples.Shared.Tabular;

/// <summary>
/// Numeric per-sample columns keyed by sample id (the prepared dataset's index), as in
/// <c>results/metrics.csv</c>: an id column (<c>idx</c> or <c>sample_id</c>) followed by one column per metric.
/// </summary>
public sealed class PerSampleTable
{
    /// <summary>Names accepted for the id column, in order of preference.</summary>
    public static readonly IReadOnlyList<string> IdColumnNames = ["sample_id", "idx"];

    private readonly Dictionary<string, double[]> _columns;
    private readonly Dictionary<int, int> _rowOfId;

    /// <summary>Builds a table; every column must have one value per id and ids must be unique and non-negative.</summary>
    public PerSampleTable(IReadOnlyList<int> sampleIds, IEnumerable<KeyValuePair<string, double[]>> columns)
    {
        ArgumentNullException.ThrowIfNull(sampleIds);
        ArgumentNullException.ThrowIfNull(columns);
        SampleIds = [.. sampleIds];
        _rowOfId = new Dictionary<int, int>(SampleIds.Count);
        for (var i = 0; i < SampleIds.Count; i++)
        {
            if (SampleIds[i] < 0) throw new ArgumentException($"Sample id {SampleIds[i]} at row {i} is negative.", nameof(sampleIds));
            if (!_rowOfId.TryAdd(SampleIds[i], i)) throw new ArgumentException($"Sample id {SampleIds[i]} appears twice.", nameof(sampleIds));
        }
        _columns = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (name, values) in columns)
        {
            if (values.Length != SampleIds.Count)
                throw new ArgumentException($"Column '{name}' has {values.Length} values for {SampleIds.Count} samples.", nameof(columns));
            if (!_columns.TryAdd(name, values)) throw new ArgumentException($"Column '{name}' appears twice.", nameof(columns));
            order.Add(name);
        }
        ColumnNames = order;
    }

    /// <summary>Sample id of each row.</summary>
    public IReadOnlyList<int> SampleIds { get; }

    /// <summary>Number of rows.</summary>
    public int RowCount => SampleIds.Count;

    /// <summary>Column names in file order (the id column excluded).</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>True when the table has a column of that name.</summary>
    public bool Has(string column) => _columns.ContainsKey(column);

    /// <summary>The values of a column, one per row.</summary>
    /// <exception cref="KeyNotFoundException">No such column (the message lists a few that exist).</exception>
    public double[] Column(string column) => _columns.TryGetValue(column, out var v) ? v
        : throw new KeyNotFoundException($"The per-sample table has no column '{column}' (it has {ColumnNames.Count}: {string.Join(", ", ColumnNames.Take(8))}{(ColumnNames.Count > 8 ? ", …" : "")}).");

    /// <summary>Row index of a sample id, or -1.</summary>
    public int RowOf(int sampleId) => _rowOfId.TryGetValue(sampleId, out var r) ? r : -1;

    /// <summary>Reads a CSV whose first column is the sample id (<c>idx</c> or <c>sample_id</c>) and whose other columns are numbers.</summary>
    /// <exception cref="InvalidDataException">Missing id column, ragged rows, non-numbers, duplicate ids.</exception>
    public static PerSampleTable ReadCsv(TextReader reader, string source = "metrics.csv")
    {
        var records = Csv.ReadAll(reader, source);
        if (records.Count == 0) throw new InvalidDataException($"{source}: empty file.");
        var header = records[0];
        var idCol = Array.FindIndex(header, h => IdColumnNames.Contains(h.Trim()));
        if (idCol < 0) throw new InvalidDataException($"{source}: no id column (expected one of {string.Join(", ", IdColumnNames)}); header starts '{string.Join(",", header.Take(4))}'.");
        var n = records.Count - 1;
        var ids = new int[n];
        var data = new double[header.Length][];
        for (var c = 0; c < header.Length; c++) if (c != idCol) data[c] = new double[n];
        for (var r = 0; r < n; r++)
        {
            var row = records[r + 1];
            if (row.Length != header.Length)
                throw new InvalidDataException($"{source}: row {r + 2} has {row.Length} fields, the header has {header.Length}.");
            var id = Csv.ParseLong(row[idCol], $"{source} row {r + 2} column {header[idCol]}");
            if (id is < 0 or > int.MaxValue) throw new InvalidDataException($"{source} row {r + 2}: sample id {id} is out of range.");
            ids[r] = (int)id;
            for (var c = 0; c < header.Length; c++)
                if (c != idCol) data[c][r] = Csv.ParseDouble(row[c], $"{source} row {r + 2} column {header[c]}");
        }
        try
        {
            return new PerSampleTable(ids, header.Select((h, c) => (h, c)).Where(t => t.c != idCol).Select(t => KeyValuePair.Create(t.h.Trim(), data[t.c])));
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{source}: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a CSV from a stream (UTF-8).</summary>
    public static PerSampleTable ReadCsv(Stream stream, string source = "metrics.csv")
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        return ReadCsv(reader, source);
    }
}
