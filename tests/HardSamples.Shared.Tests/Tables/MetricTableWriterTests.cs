using System.Text;
using HardSamples.Shared.Metrics;
using HardSamples.Shared.Tables;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Tables;

public class MetricTableWriterTests
{
    private static MetricTable Sample()
    {
        var table = new MetricTable([4, 7, 9]);
        table.Add("loss__last", [0.1, 1.0 / 3, 3.222475399372469e-05]);
        table.Add("H__mean_from_10", [-2.5, 1e300, 5e-324]);
        return table;
    }

    [Fact]
    public void Csv_has_idx_first_and_17_significant_digits_in_invariant_culture()
    {
        var text = ToText(s => MetricTableWriter.WriteCsv(s, Sample()));
        var lines = text.Split('\n');
        Assert.Equal("idx,loss__last,H__mean_from_10", lines[0]);
        Assert.Equal("4,0.10000000000000001,-2.5", lines[1]);
        Assert.Equal("7,0.33333333333333331,1.0000000000000001e+300", lines[2]);
        Assert.Equal("9,3.222475399372469e-05,4.9406564584124654e-324", lines[3]);
        Assert.Equal("", lines[4]);
    }

    [Fact]
    public void Csv_round_trips_every_bit()
    {
        var table = Sample();
        using var ms = new MemoryStream();
        MetricTableWriter.WriteCsv(ms, table);
        ms.Position = 0;
        var back = MetricTableReader.ReadCsv(ms);
        Assert.Equal(table.SampleIndex, back.SampleIndex);
        Assert.Equal(table.Names, back.Names);
        foreach (var c in table.Columns) Assert.Equal(c.Values, back[c.Name]);
    }

    [Fact]
    public async Task Parquet_round_trips_index_and_columns()
    {
        var table = Sample();
        using var ms = new MemoryStream();
        await MetricTableWriter.WriteParquetAsync(ms, table);
        ms.Position = 0;
        var back = await MetricTableReader.ReadParquetAsync(ms);
        Assert.Equal(table.SampleIndex, back.SampleIndex);
        Assert.Equal(table.Names, back.Names);
        foreach (var c in table.Columns) Assert.Equal(c.Values, back[c.Name]);
    }

    [Fact]
    public void Correlations_csv_has_the_contract_header_with_and_without_a_target()
    {
        IReadOnlyList<CorrelationRow> rows = [new("loss__last", 0.25, 0.25, 0.6, 0.6), new("sil__last", -0.5, 0.5, null, null)];
        var plain = ToText(s => MetricTableWriter.WriteCorrelationsCsv(s, rows)).Split('\n');
        Assert.Equal("metric,srcc,abs_srcc,auc,auc_oriented", plain[0]);
        Assert.Equal("loss__last,0.25,0.25,0.59999999999999998,0.59999999999999998", plain[1]);
        Assert.Equal("sil__last,-0.5,0.5,,", plain[2]);
        var withTarget = ToText(s => MetricTableWriter.WriteCorrelationsCsv(s, [("label", rows), ("ssft_forget", rows)])).Split('\n');
        Assert.Equal("metric,target,srcc,abs_srcc,auc,auc_oriented", withTarget[0]);
        Assert.StartsWith("loss__last,label,0.25", withTarget[1]);
        Assert.StartsWith("sil__last,ssft_forget,-0.5", withTarget[4]);
    }

    [Fact]
    public void File_writes_are_atomic_and_leave_no_temporary_files()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "sub", "metrics.csv");
        MetricTableWriter.WriteCsvFile(path, Sample());
        Assert.True(File.Exists(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Tables_reject_non_finite_values_and_bad_columns()
    {
        var table = new MetricTable(2);
        Assert.Throws<InvalidOperationException>(() => table.Add("x", [1, double.NaN]));
        Assert.Throws<ArgumentException>(() => table.Add("x", [1]));
        table.Add("x", [1, 2]);
        Assert.Throws<ArgumentException>(() => table.Add("x", [1, 2]));
    }

    private static string ToText(Action<Stream> write)
    {
        using var ms = new MemoryStream();
        write(ms);
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
