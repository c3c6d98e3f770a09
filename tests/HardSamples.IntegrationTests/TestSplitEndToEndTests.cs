using System.Text.Json;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Pruning;
using HardSamples.TestSupport;

namespace HardSamples.IntegrationTests;

/// <summary>
/// <c>hardsamples run --test-fraction</c> followed by <c>evaluate-pruning</c> on it, through the real CLI on a small
/// slice of the bundled sample: the probes and the tables leave the test split out, and the evaluation tests on it.
/// </summary>
public sealed class TestSplitEndToEndTests
{
    [Fact]
    public async Task A_run_with_a_test_fraction_holds_it_out_and_evaluate_pruning_tests_on_it()
    {
        using var dir = new TempDirectory("testsplit");
        var runs = Path.Combine(dir.Path, "runs");
        string File(params string[] parts) => Path.Combine([runs, "it-test", .. parts]);

        string runOutput;
        using (var run = CliRunner.Start("run", "--out", runs, "--run-id", "it-test", "--max-samples", "600", "--epochs", "3", "--ssft-epochs", "2",
                   "--test-fraction", "0.2", "--plain"))
        {
            var code = await run.WaitAsync(TimeSpan.FromMinutes(5));
            runOutput = run.Output;
            Assert.True(code == 0, runOutput);
        }

        using var manifest = JsonDocument.Parse(System.IO.File.ReadAllText(File("data", "manifest.json")));
        var count = manifest.RootElement.GetProperty("count").GetInt32();
        var test = Npy.ReadFile<int>(File("data", "splits", "test.npy")).Data;
        Assert.InRange(test.Length, 0.2 * count - 10, 0.2 * count + 10); // stratified: per-class rounding over 10 classes
        Assert.Contains($"({count} samples, {test.Length} of them held out as the test split)", runOutput);
        Assert.Contains("test-split", runOutput); // listed with the results
        var train = Enumerable.Range(0, count).Except(test).ToArray();
        Assert.Equal(train, Npy.ReadFile<int>(File("probes", "ae", "sample_index.npy")).Data);
        var ssftFirst = Npy.ReadFile<int>(File("probes", "ssft-ab", "sample_index.npy")).Data.Concat(Npy.ReadFile<int>(File("probes", "ssft-ba", "sample_index.npy")).Data);
        Assert.Equal(train, ssftFirst.Order());
        var metricIds = System.IO.File.ReadLines(File("results", "metrics.csv")).Skip(1).Select(l => int.Parse(l[..l.IndexOf(',')], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(train, metricIds.Order());
        using (var runManifest = JsonDocument.Parse(System.IO.File.ReadAllText(File("manifest.json"))))
            Assert.Equal("it-test/data/splits/test.npy", runManifest.RootElement.GetProperty("results").GetProperty("test-split").GetString());

        using var evaluate = CliRunner.Start("evaluate-pruning", "--run", "it-test", "--runs", runs, "--fractions", "0.5", "--seeds", "1", "--epochs", "2", "--classifier", "linear");
        var evalCode = await evaluate.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(evalCode == 0, evaluate.Output);
        Assert.Contains("test set: splits/test.npy", evaluate.Output);
        var rows = PruningEvaluator.ReadCsv(System.IO.File.OpenRead(File("results", "pruning.csv")));
        var injected = Npy.ReadFile<int>(File("data", "injected.npy")).Data;
        var partner = Npy.ReadFile<int>(File("data", "partner.npy")).Data;
        var (cleanTest, _) = PruningEvaluator.CleanTestSet(test, train.ToHashSet(), injected, partner);
        Assert.All(rows, r => Assert.Equal(cleanTest.Length, r.TestCount));
        Assert.Equal(train.Length, rows.Single(r => r.Strategy == "full").Kept);
        Assert.All(rows.Where(r => r.Fraction == 0.5), r => Assert.InRange(r.Kept, train.Length / 2 - 10, train.Length / 2 + 10));
        Assert.All(rows, r => Assert.InRange(r.Accuracy, 0.3, 1.0)); // 10 classes: chance is 0.1
    }
}
