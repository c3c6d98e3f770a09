using System.Globalization;
using System.Text;
using HardSamples.Shared.Metrics;
using Parquet;
using Parquet.Schema;

namespace HardSamples.Shared.Tables;

/// <summary>
/// Writes metric tables and correlation rows: CSV (invariant culture, 17 significant digits so float64 values
/// round-trip, column <c>idx</c> first, LF line ends) and Parquet (Parquet.Net, one row group, <c>idx</c> int32 then
/// one float64 column per metric). File variants write to a temporary file and move it into place.
/// </summary>
public static class MetricTableWriter
{
    /// <summary>The sample-index column name.</summary>
    public const string IndexColumn = "idx";

    /// <summary>The correlations header without a target column.</summary>
    public static readonly IReadOnlyList<string> CorrelationColumns = ["metric", "srcc", "abs_srcc", "auc", "auc_oriented"];

    /// <summary>Formats a float64 with 17 significant digits, invariant culture (<c>0.083811062303295464</c>, <c>3.222475399372469e-05</c>; trailing zeros dropped as by %.17g).</summary>
    public static string Format(double value) => value.ToString("G17", CultureInfo.InvariantCulture).Replace('E', 'e');

    /// <summary>Writes the table as CSV.</summary>
    public static void WriteCsv(Stream stream, MetricTable table)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(table);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.Write(IndexColumn);
        foreach (var column in table.Columns)
        {
            writer.Write(',');
            writer.Write(Quote(column.Name));
        }
        writer.WriteLine();
        var line = new StringBuilder();
        for (var r = 0; r < table.RowCount; r++)
        {
            line.Clear();
            line.Append(table.SampleIndex[r].ToString(CultureInfo.InvariantCulture));
            foreach (var column in table.Columns) line.Append(',').Append(Format(column.Values[r]));
            writer.WriteLine(line);
        }
    }

    /// <summary>Writes the table as Parquet.</summary>
    public static async Task WriteParquetAsync(Stream stream, MetricTable table, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(table);
        var index = new DataField<int>(IndexColumn);
        var fields = table.Columns.Select(c => new DataField<double>(c.Name)).ToArray();
        var schema = new ParquetSchema([index, .. fields]);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: cancellationToken);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync<int>(index, table.SampleIndex.AsMemory(), cancellationToken: cancellationToken);
        for (var c = 0; c < fields.Length; c++)
            await group.WriteAsync<double>(fields[c], table.Columns[c].Values.AsMemory(), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Writes correlation rows: <c>metric,srcc,abs_srcc,auc,auc_oriented</c>, or with <paramref name="target"/> given
    /// <c>metric,target,srcc,…</c>. A missing AUC (non-binary target) is an empty field.
    /// </summary>
    public static void WriteCorrelationsCsv(Stream stream, IReadOnlyList<CorrelationRow> rows, string? target = null) =>
        WriteCorrelationsCsv(stream, [(target, rows)], target is not null);

    /// <summary>Writes correlation rows of several targets into one file with a <c>target</c> column.</summary>
    public static void WriteCorrelationsCsv(Stream stream, IEnumerable<(string Target, IReadOnlyList<CorrelationRow> Rows)> byTarget)
    {
        ArgumentNullException.ThrowIfNull(byTarget);
        WriteCorrelationsCsv(stream, byTarget.Select(t => ((string?)t.Target, t.Rows)), withTarget: true);
    }

    /// <summary>Writes <see cref="WriteCsv"/> to a file atomically.</summary>
    public static void WriteCsvFile(string path, MetricTable table) => Atomic(path, s => WriteCsv(s, table));

    /// <summary>Writes <see cref="WriteParquetAsync"/> to a file atomically.</summary>
    public static Task WriteParquetFileAsync(string path, MetricTable table, CancellationToken cancellationToken = default) =>
        AtomicAsync(path, s => WriteParquetAsync(s, table, cancellationToken));

    /// <summary>Writes <see cref="WriteCorrelationsCsv(Stream, IReadOnlyList{CorrelationRow}, string?)"/> to a file atomically.</summary>
    public static void WriteCorrelationsCsvFile(string path, IReadOnlyList<CorrelationRow> rows, string? target = null) =>
        Atomic(path, s => WriteCorrelationsCsv(s, rows, target));

    private static void WriteCorrelationsCsv(Stream stream, IEnumerable<(string? Target, IReadOnlyList<CorrelationRow> Rows)> byTarget, bool withTarget)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine(withTarget ? "metric,target,srcc,abs_srcc,auc,auc_oriented" : string.Join(',', CorrelationColumns));
        foreach (var (target, rows) in byTarget)
        {
            ArgumentNullException.ThrowIfNull(rows);
            foreach (var row in rows)
            {
                var prefix = withTarget ? $"{Quote(row.Metric)},{Quote(target ?? "")}" : Quote(row.Metric);
                writer.WriteLine($"{prefix},{Format(row.Srcc)},{Format(row.AbsSrcc)},{Optional(row.Auc)},{Optional(row.AucOriented)}");
            }
        }
    }

    private static string Optional(double? value) => value is { } v ? Format(v) : "";

    private static string Quote(string text) =>
        text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void Atomic(string path, Action<Stream> write)
    {
        var temp = TempBeside(path);
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write)) write(fs);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static async Task AtomicAsync(string path, Func<Stream, Task> write)
    {
        var temp = TempBeside(path);
        try
        {
            await using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write)) await write(fs);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static string TempBeside(string path)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }
}
