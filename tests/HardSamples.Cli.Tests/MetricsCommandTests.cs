using System.CommandLine;
using System.Globalization;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Tables;
using HardSamples.TestSupport;

namespace HardSamples.Cli.Tests;

public class MetricsCommandTests
{
    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public async Task Metrics_on_the_golden_inputs_reproduce_expected_metrics_and_correlations()
    {
        using var dir = new TempDirectory("metrics");
        var (code, _, error) = await Run("metrics",
            "--embeddings", RepoPaths.Golden("inputs", "emb.npy"),
            "--losses", RepoPaths.Golden("inputs", "loss.npy"),
            "--labels", RepoPaths.Golden("inputs", "label.npy"),
            "--ks", "0,10,20", "--lid-every", "10", "--sil-every", "10",
            "--out", dir.Path);
        Assert.True(code == 0, error);
        Assert.Contains("[6/6] sil-e0020", error);

        var expected = ReadCsv(RepoPaths.Golden("expected", "metrics.csv"));
        var actual = ReadCsv(dir.File("metrics.csv"));
        Assert.Equal(expected.Header, actual.Header);
        Assert.Equal(expected.Rows.Length, actual.Rows.Length);
        for (var c = 0; c < expected.Header.Length; c++)
        {
            var tolerance = expected.Header[c].StartsWith("LID", StringComparison.Ordinal) ? 1e-10 : 1e-12;
            for (var r = 0; r < expected.Rows.Length; r++)
            {
                var e = expected.Rows[r][c];
                var a = actual.Rows[r][c];
                Assert.True(Math.Abs(e - a) <= tolerance * Math.Max(Math.Abs(e), 1e-3), $"{expected.Header[c]} row {r}: expected {e:R}, got {a:R}");
            }
        }

        var expectedCorr = File.ReadAllLines(RepoPaths.Golden("expected", "correlations.csv"));
        var actualCorr = File.ReadAllLines(dir.File("correlations.csv"));
        Assert.Equal(expectedCorr[0], actualCorr[0]);
        Assert.Equal(expectedCorr.Length, actualCorr.Length);
        for (var r = 1; r < expectedCorr.Length; r++)
        {
            var e = expectedCorr[r].Split(',');
            var a = actualCorr[r].Split(',');
            Assert.Equal(e[0], a[0]);
            for (var c = 1; c < e.Length; c++)
            {
                double ev = Parse(e[c]), av = Parse(a[c]);
                Assert.True(Math.Abs(ev - av) <= 1e-12 * Math.Max(Math.Abs(ev), 1e-3), $"{e[0]} column {c}: expected {ev:R}, got {av:R}");
            }
        }

        await using var parquet = File.OpenRead(dir.File("metrics.parquet"));
        var table = await MetricTableReader.ReadParquetAsync(parquet);
        Assert.Equal(expected.Header.Skip(1), table.Names);
        Assert.Equal(actual.Rows.Select(r => r[1]).ToArray(), table[expected.Header[1]]);
    }

    [Fact]
    public async Task Mismatched_shapes_fail_with_exit_code_2_and_write_nothing()
    {
        using var dir = new TempDirectory("metrics");
        Npy.WriteFile<float>(dir.File("emb.npy"), new float[2 * 40 * 3], [2, 40, 3]);
        Npy.WriteFile<float>(dir.File("loss.npy"), new float[2 * 41], [2, 41]);
        var outDir = dir.File("out");
        var (code, _, error) = await Run("metrics", "--embeddings", dir.File("emb.npy"), "--losses", dir.File("loss.npy"), "--out", outDir);
        Assert.Equal(2, code);
        Assert.Contains("do not match", error);
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public async Task Missing_inputs_and_bad_ks_are_reported()
    {
        using var dir = new TempDirectory("metrics");
        var (code, _, error) = await Run("metrics", "--embeddings", dir.File("none.npy"), "--losses", dir.File("none.npy"), "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("does not exist", error);
        Npy.WriteFile<float>(dir.File("emb.npy"), new float[2 * 40 * 3], [2, 40, 3]);
        Npy.WriteFile<float>(dir.File("loss.npy"), new float[2 * 40], [2, 40]);
        (code, _, error) = await Run("metrics", "--embeddings", dir.File("emb.npy"), "--losses", dir.File("loss.npy"), "--ks", "0,x", "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("'x'", error);
    }

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static (string[] Header, double[][] Rows) ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        return (lines[0].Split(','), lines.Skip(1).Select(l => l.Split(',').Select(Parse).ToArray()).ToArray());
    }
}
