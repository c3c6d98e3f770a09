using System.Globalization;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Metrics;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Metrics;

/// <summary>The golden fixtures (../shared/golden), loaded once per test run.</summary>
internal static class Golden
{
    private static readonly Lazy<NdArray<float>> EmbeddingsLazy = new(() => Npy.ReadFile<float>(RepoPaths.Golden("inputs", "emb.npy")));
    private static readonly Lazy<NdArray<float>> LossesLazy = new(() => Npy.ReadFile<float>(RepoPaths.Golden("inputs", "loss.npy")));
    private static readonly Lazy<double[]> LabelLazy = new(() => Npy.ReadFile<double>(RepoPaths.Golden("inputs", "label.npy")).Data);
    private static readonly Lazy<CsvTable> MetricsLazy = new(() => CsvTable.Read(RepoPaths.Golden("expected", "metrics.csv")));
    private static readonly Lazy<MetricTable> SuiteLazy = new(() => MetricSuite.Compute(Embeddings, Losses, new MetricSuiteOptions()));

    public static NdArray<float> Embeddings => EmbeddingsLazy.Value;
    public static NdArray<float> Losses => LossesLazy.Value;
    public static double[] Label => LabelLazy.Value;
    public static CsvTable ExpectedMetrics => MetricsLazy.Value;

    /// <summary>The suite run on the golden inputs with default options (shared by several tests).</summary>
    public static MetricTable Suite => SuiteLazy.Value;

    public static int Epochs => Embeddings.Dim(0);
    public static int Samples => Embeddings.Dim(1);
    public static int Dim => Embeddings.Dim(2);

    public static NdArray<T> Series<T>(string name) where T : unmanaged => Npy.ReadFile<T>(RepoPaths.Golden("expected", "series", name + ".npy"));

    public static NdArray<T> Array<T>(params string[] path) where T : unmanaged => Npy.ReadFile<T>(RepoPaths.Golden(path));

    /// <summary>Row <paramref name="row"/> of a 2-D array.</summary>
    public static T[] Row<T>(NdArray<T> array, int row) where T : unmanaged
    {
        var width = array.Dim(1);
        return array.Data.AsSpan(row * width, width).ToArray();
    }

    public static PointSet PointsAt(int epoch) => MetricSuite.PointsAt(Embeddings, epoch);

    public static void AssertClose(double expected, double actual, double relative, string what)
    {
        var tolerance = relative * Math.Max(Math.Abs(expected), 1e-3);
        Assert.True(Math.Abs(expected - actual) <= tolerance,
            $"{what}: expected {expected:R}, got {actual:R} (|Δ| = {Math.Abs(expected - actual):E3}, allowed {tolerance:E3}).");
    }

    /// <summary>Largest relative error max|a−e|/max(|e|, floor) and asserts it is within <paramref name="relative"/>.</summary>
    public static double AssertAllClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double relative, string what, double floor = 1e-3)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = 0.0;
        var at = -1;
        for (var i = 0; i < expected.Length; i++)
        {
            var err = Math.Abs(expected[i] - actual[i]) / Math.Max(Math.Abs(expected[i]), floor);
            if (!(err <= worst)) { worst = err; at = i; }
        }
        Assert.True(worst <= relative, $"{what}: worst relative error {worst:E3} at {at} (expected {(at >= 0 ? expected[at] : 0):R}, got {(at >= 0 ? actual[at] : 0):R}); allowed {relative:E1}.");
        return worst;
    }
}

/// <summary>A numeric CSV with a header row.</summary>
internal sealed class CsvTable
{
    public required string[] Header { get; init; }
    public required string[][] Rows { get; init; }

    public static CsvTable Read(string path) => Parse(File.ReadAllLines(path));

    public static CsvTable Parse(IReadOnlyList<string> lines)
    {
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        return new CsvTable { Header = header, Rows = rows };
    }

    public int IndexOf(string column)
    {
        var i = System.Array.IndexOf(Header, column);
        Assert.True(i >= 0, $"Column '{column}' is missing from [{string.Join(", ", Header)}].");
        return i;
    }

    public double[] Column(string name)
    {
        var c = IndexOf(name);
        return Rows.Select(r => double.Parse(r[c], CultureInfo.InvariantCulture)).ToArray();
    }

    public string[] Text(string name)
    {
        var c = IndexOf(name);
        return Rows.Select(r => r[c]).ToArray();
    }
}
