using System.Globalization;
using HardSamples.Shared.Metrics;
using Parquet;
using Parquet.Schema;

namespace HardSamples.Shared.Tables;

/// <summary>Reads metric tables written by <see cref="MetricTableWriter"/> (CSV or Parquet) back into a <see cref="MetricTable"/>.</summary>
public static class MetricTableReader
{
    /// <summary>Reads a metric CSV whose first column is <c>idx</c>.</summary>
    /// <exception cref="InvalidDataException">Missing <c>idx</c>, ragged rows or unparsable numbers.</exception>
    public static MetricTable ReadCsv(Stream stream, string source = "metrics.csv")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, leaveOpen: true);
        var header = reader.ReadLine()?.Split(',') ?? throw new InvalidDataException($"{source}: empty file.");
        if (header[0] != MetricTableWriter.IndexColumn) throw new InvalidDataException($"{source}: the first column must be '{MetricTableWriter.IndexColumn}', got '{header[0]}'.");
        var index = new List<int>();
        var values = header.Skip(1).Select(_ => new List<double>()).ToArray();
        var lineNo = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNo++;
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            if (cells.Length != header.Length) throw new InvalidDataException($"{source}:{lineNo}: {cells.Length} fields, header has {header.Length}.");
            index.Add(int.Parse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture));
            for (var c = 1; c < cells.Length; c++)
            {
                if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new InvalidDataException($"{source}:{lineNo}: '{cells[c]}' in column '{header[c]}' is not a number.");
                values[c - 1].Add(v);
            }
        }
        var table = new MetricTable([.. index]);
        for (var c = 1; c < header.Length; c++) table.Add(header[c], [.. values[c - 1]]);
        return table;
    }

    /// <summary>Reads a metric Parquet file (all row groups).</summary>
    public static async Task<MetricTable> ReadParquetAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
        var fields = reader.Schema.GetDataFields();
        var indexField = fields.FirstOrDefault(f => f.Name == MetricTableWriter.IndexColumn)
            ?? throw new InvalidDataException($"The Parquet file has no '{MetricTableWriter.IndexColumn}' column.");
        var metricFields = fields.Where(f => f != indexField).ToArray();
        var index = new List<int>();
        var values = metricFields.Select(_ => new List<double>()).ToArray();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = checked((int)group.RowCount);
            var ix = new int[rows];
            await group.ReadAsync<int>(indexField, ix.AsMemory(), cancellationToken: cancellationToken);
            index.AddRange(ix);
            for (var c = 0; c < metricFields.Length; c++)
            {
                var buffer = new double[rows];
                await group.ReadAsync<double>(metricFields[c], buffer.AsMemory(), cancellationToken: cancellationToken);
                values[c].AddRange(buffer);
            }
        }
        var table = new MetricTable([.. index]);
        for (var c = 0; c < metricFields.Length; c++) table.Add(metricFields[c].Name, [.. values[c]]);
        return table;
    }
}
