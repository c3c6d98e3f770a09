using System.Globalization;
using System.Text;
using HardSamples.Shared.Tabular;
using Parquet;
using Parquet.Schema;

namespace HardSamples.Shared.Ranking;

/// <summary>One sample of the ranking.</summary>
/// <param name="SampleId">Index in the prepared dataset.</param>
/// <param name="Rank">1 = hardest.</param>
/// <param name="Score">Combined hardness score (the selection's method).</param>
/// <param name="ScoreRankAverage">Rank-average score.</param>
/// <param name="ScoreZ">Z-score score.</param>
/// <param name="Category">SSFT category name (empty when unknown).</param>
/// <param name="LearnTime">SSFT learning time (+∞ never learnt, NaN unknown).</param>
/// <param name="ForgetTime">SSFT forgetting time (+∞ never forgotten, NaN unknown).</param>
/// <param name="Cluster">Redundancy cluster id (the representative's sample id).</param>
/// <param name="ClusterSize">Samples in the cluster.</param>
/// <param name="Representative">True for the sample kept from its cluster.</param>
/// <param name="Label">Observed label, −1 when unlabeled.</param>
/// <param name="Injected">Injected kind (0 none, 1 mixture, 2 flip, 3 duplicate), −1 when unknown.</param>
/// <param name="SourceIndex">Index in the source dataset, −1 when unknown.</param>
/// <param name="SourceName">Source reference (file or dataset name).</param>
/// <param name="KeyMetrics">Values of <see cref="RankingTable.KeyMetricNames"/>.</param>
public sealed record RankingRow(int SampleId, int Rank, double Score, double ScoreRankAverage, double ScoreZ, string Category,
    double LearnTime, double ForgetTime, int Cluster, int ClusterSize, bool Representative, int Label, int Injected,
    long SourceIndex, string SourceName, IReadOnlyList<double> KeyMetrics);

/// <summary>The ranking: rows in rank order plus the names of the key metric columns.</summary>
public sealed class RankingTable
{
    private static readonly string[] FixedColumns =
        ["sample_id", "rank", "score", "score_rank_avg", "score_z", "category", "learn_time", "forget_time", "cluster", "cluster_size", "representative", "label", "injected", "source_index", "source_name"];

    /// <summary>Wraps rows (sorted here by rank).</summary>
    public RankingTable(IEnumerable<RankingRow> rows, IReadOnlyList<string> keyMetricNames)
    {
        ArgumentNullException.ThrowIfNull(rows);
        KeyMetricNames = [.. keyMetricNames];
        Rows = rows.OrderBy(r => r.Rank).ToList();
        foreach (var r in Rows)
            if (r.KeyMetrics.Count != KeyMetricNames.Count) throw new ArgumentException($"Sample {r.SampleId} has {r.KeyMetrics.Count} key metrics, expected {KeyMetricNames.Count}.", nameof(rows));
        foreach (var k in KeyMetricNames)
            if (FixedColumns.Contains(k)) throw new ArgumentException($"Key metric '{k}' clashes with a fixed ranking column.", nameof(keyMetricNames));
    }

    /// <summary>Rows, rank 1 first.</summary>
    public IReadOnlyList<RankingRow> Rows { get; }

    /// <summary>Metric columns carried along (the score's metrics).</summary>
    public IReadOnlyList<string> KeyMetricNames { get; }

    /// <summary>Every column name in file order.</summary>
    public IReadOnlyList<string> ColumnNames => [.. FixedColumns, .. KeyMetricNames];

    /// <summary>Writes the CSV (never = <c>inf</c>, unknown = empty).</summary>
    public void WriteCsv(TextWriter writer)
    {
        Csv.WriteRecord(writer, ColumnNames);
        foreach (var r in Rows)
        {
            Csv.WriteRecord(writer, new[]
            {
                I(r.SampleId), I(r.Rank), D(r.Score), D(r.ScoreRankAverage), D(r.ScoreZ), r.Category, D(r.LearnTime), D(r.ForgetTime),
                I(r.Cluster), I(r.ClusterSize), r.Representative ? "1" : "0", I(r.Label), I(r.Injected), r.SourceIndex.ToString(CultureInfo.InvariantCulture), r.SourceName,
            }.Concat(r.KeyMetrics.Select(D)));
        }
        static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        static string D(double v) => double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : Csv.Format(v);
    }

    /// <summary>CSV bytes (UTF-8, no BOM).</summary>
    public byte[] ToCsvBytes()
    {
        using var sw = new StringWriter(CultureInfo.InvariantCulture);
        WriteCsv(sw);
        return new UTF8Encoding(false).GetBytes(sw.ToString());
    }

    /// <summary>Writes the Parquet file (one row group; same columns as the CSV).</summary>
    public async Task WriteParquetAsync(Stream output, CancellationToken ct = default)
    {
        var fInt = new Func<string, DataField<int>>(n => new DataField<int>(n));
        var fields = new List<DataField>
        {
            fInt("sample_id"), fInt("rank"), new DataField<double>("score"), new DataField<double>("score_rank_avg"), new DataField<double>("score_z"),
            new DataField<string>("category"), new DataField<double>("learn_time"), new DataField<double>("forget_time"), fInt("cluster"), fInt("cluster_size"),
            new DataField<bool>("representative"), fInt("label"), fInt("injected"), new DataField<long>("source_index"), new DataField<string>("source_name"),
        };
        fields.AddRange(KeyMetricNames.Select(k => new DataField<double>(k)));
        var schema = new ParquetSchema(fields.Cast<Field>().ToArray());
        await using var writer = await ParquetWriter.CreateAsync(schema, output, cancellationToken: ct);
        using var g = writer.CreateRowGroup();
        var d = schema.DataFields;
        await g.WriteAsync<int>(d[0], Rows.Select(r => r.SampleId).ToArray(), cancellationToken: ct);
        await g.WriteAsync<int>(d[1], Rows.Select(r => r.Rank).ToArray(), cancellationToken: ct);
        await g.WriteAsync<double>(d[2], Rows.Select(r => r.Score).ToArray(), cancellationToken: ct);
        await g.WriteAsync<double>(d[3], Rows.Select(r => r.ScoreRankAverage).ToArray(), cancellationToken: ct);
        await g.WriteAsync<double>(d[4], Rows.Select(r => r.ScoreZ).ToArray(), cancellationToken: ct);
        await g.WriteAsync(d[5], Rows.Select(r => r.Category).ToArray());
        await g.WriteAsync<double>(d[6], Rows.Select(r => r.LearnTime).ToArray(), cancellationToken: ct);
        await g.WriteAsync<double>(d[7], Rows.Select(r => r.ForgetTime).ToArray(), cancellationToken: ct);
        await g.WriteAsync<int>(d[8], Rows.Select(r => r.Cluster).ToArray(), cancellationToken: ct);
        await g.WriteAsync<int>(d[9], Rows.Select(r => r.ClusterSize).ToArray(), cancellationToken: ct);
        await g.WriteAsync<bool>(d[10], Rows.Select(r => r.Representative).ToArray(), cancellationToken: ct);
        await g.WriteAsync<int>(d[11], Rows.Select(r => r.Label).ToArray(), cancellationToken: ct);
        await g.WriteAsync<int>(d[12], Rows.Select(r => r.Injected).ToArray(), cancellationToken: ct);
        await g.WriteAsync<long>(d[13], Rows.Select(r => r.SourceIndex).ToArray(), cancellationToken: ct);
        await g.WriteAsync(d[14], Rows.Select(r => r.SourceName).ToArray());
        for (var k = 0; k < KeyMetricNames.Count; k++)
        {
            var kk = k;
            await g.WriteAsync<double>(d[15 + k], Rows.Select(r => r.KeyMetrics[kk]).ToArray(), cancellationToken: ct);
        }
    }

    /// <summary>Reads a CSV written by <see cref="WriteCsv"/>; columns after <c>source_name</c> are key metrics.</summary>
    /// <exception cref="InvalidDataException">Missing columns or malformed values.</exception>
    public static RankingTable ReadCsv(Stream stream, string source = "ranking.csv")
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        var records = Csv.ReadAll(reader, source);
        if (records.Count == 0) throw new InvalidDataException($"{source}: empty file.");
        var h = records[0];
        for (var i = 0; i < FixedColumns.Length; i++)
            if (i >= h.Length || h[i] != FixedColumns[i]) throw new InvalidDataException($"{source}: column {i + 1} should be '{FixedColumns[i]}' (header: {string.Join(",", h)}).");
        var keys = h.Skip(FixedColumns.Length).ToArray();
        var rows = new List<RankingRow>(records.Count - 1);
        for (var r = 1; r < records.Count; r++)
        {
            var f = records[r];
            var w = $"{source} row {r + 1}";
            if (f.Length != h.Length) throw new InvalidDataException($"{w}: {f.Length} fields, the header has {h.Length}.");
            int I(int c) => checked((int)Csv.ParseLong(f[c], w));
            double D(int c) => Csv.ParseDouble(f[c], w);
            rows.Add(new RankingRow(I(0), I(1), D(2), D(3), D(4), f[5], D(6), D(7), I(8), I(9), f[10] == "1", I(11), I(12), Csv.ParseLong(f[13], w), f[14],
                keys.Select((_, k) => D(FixedColumns.Length + k)).ToArray()));
        }
        return new RankingTable(rows, keys);
    }
}
