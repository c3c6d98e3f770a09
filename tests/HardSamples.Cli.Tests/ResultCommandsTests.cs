using HardSamples.Cli;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Pruning;
using HardSamples.Shared.Storage.Local;
using HardSamples.TestSupport;

namespace HardSamples.Cli.Tests;

public class ResultCommandsTests : IDisposable
{
    private readonly TempDirectory _runs = new("cli-runs");
    private readonly SyntheticRunInfo _info;

    public ResultCommandsTests()
    {
        _info = SyntheticRun.Create(new LocalArtifactStore(_runs.Path), "r1", new SyntheticRunOptions { Count = 300 });
    }

    public void Dispose() => _runs.Dispose();

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Program.BuildRoot().Parse(args).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Rank_writes_the_ranking_files()
    {
        var (code, output, err) = await Run("rank", "--run", "r1", "--runs", _runs.Path);
        Assert.True(code == 0, err);
        Assert.Contains("ranked 300 samples", output);
        foreach (var f in new[] { "ranking.csv", "ranking.parquet", "ranking.json" }) Assert.True(File.Exists(_runs.File("r1", "results", f)), f);
    }

    [Theory]
    [InlineData("npy")]
    [InlineData("idx")]
    [InlineData("folder")]
    public async Task Prune_writes_keep_list_and_export(string format)
    {
        var outDir = _runs.File("export-" + format);
        var (code, output, err) = await Run("prune", "--run", "r1", "--runs", _runs.Path, "--keep", "0.5", "--format", format, "--out", outDir);
        Assert.True(code == 0, err);
        Assert.Contains("kept 150 of 300", output);
        var keepList = File.ReadAllLines(Path.Combine(outDir, "keep-list.csv"));
        Assert.Equal(151, keepList.Length);
        Assert.StartsWith("sample_id,rank,score,label,category,cluster,representative,injected,source_index,source_name", keepList[0]);
        var ids = keepList.Skip(1).Select(l => int.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        // one representative per redundancy cluster first: no duplicate kept together with its original
        Assert.DoesNotContain(ids, id => _info.Injected[id] == 3 && ids.Contains(_info.Partner[id]));
        switch (format)
        {
            case "npy":
                var samples = Npy.ReadFile<float>(Path.Combine(outDir, "samples.npy"));
                Assert.Equal([150L, 1, 28, 28], samples.Shape);
                Assert.Equal(ids, Npy.ReadFile<int>(Path.Combine(outDir, "sample_ids.npy")).Data);
                Assert.Equal(ids.Select(i => _info.Labels[i]), Npy.ReadFile<int>(Path.Combine(outDir, "labels.npy")).Data);
                break;
            case "idx":
                var images = File.ReadAllBytes(Path.Combine(outDir, "images-idx3-ubyte"));
                Assert.Equal(new byte[] { 0, 0, 8, 3, 0, 0, 0, 150, 0, 0, 0, 28, 0, 0, 0, 28 }, images[..16]);
                Assert.Equal(16 + 150 * 784, images.Length);
                // de-normalised pixels of an unmodified digit equal the MNIST source bytes
                var (pixels, _) = SyntheticRun.ReadMnist(300);
                var plain = Array.FindIndex(ids, i => _info.Injected[i] is 0 or 2);
                Assert.Equal(pixels.AsSpan(ids[plain] * 784, 784).ToArray(), images.AsSpan(16 + plain * 784, 784).ToArray());
                Assert.Equal(8 + 150, File.ReadAllBytes(Path.Combine(outDir, "labels-idx1-ubyte")).Length);
                break;
            case "folder":
                var pngs = Directory.GetFiles(Path.Combine(outDir, "images"), "*.png", SearchOption.AllDirectories);
                Assert.Equal(150, pngs.Length);
                Assert.All(pngs, p => Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(p)[..4]));
                break;
        }
        Assert.Empty(Directory.GetDirectories(_runs.Path, ".export-*"));
    }

    [Theory]
    [InlineData("--keep", "0", "--keep must be in (0, 1]")]
    [InlineData("--keep", "1.5", "--keep must be in (0, 1]")]
    [InlineData("--by", "no_such_metric", "no_such_metric")]
    public async Task Prune_bad_input_fails_clearly_without_output(string option, string value, string message)
    {
        var outDir = _runs.File("bad");
        var args = new List<string> { "prune", "--run", "r1", "--runs", _runs.Path, "--out", outDir, "--keep", "0.5" };
        if (option == "--keep") args[^1] = value; else args.AddRange([option, value]);
        var (code, _, err) = await Run([.. args]);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.False(Directory.Exists(outDir));
        Assert.Empty(Directory.GetDirectories(_runs.Path, ".bad*"));
    }

    [Fact]
    public async Task Unknown_run_is_a_clear_error()
    {
        var (code, _, err) = await Run("prune", "--run", "nope", "--runs", _runs.Path, "--keep", "0.5");
        Assert.Equal(2, code);
        Assert.Contains("Run 'nope' was not found", err);
        (code, _, err) = await Run("report", "--run", "nope", "--runs", _runs.Path);
        Assert.Equal(2, code);
        Assert.Contains("nope", err);
    }

    [Fact]
    public async Task Report_prints_the_path_of_the_written_file()
    {
        var (code, output, err) = await Run("report", "--run", "r1", "--runs", _runs.Path);
        Assert.True(code == 0, err);
        var path = output.Trim();
        Assert.Equal(_runs.File("r1", "report", "index.html"), path);
        Assert.Contains("<section id=\"ssft\">", File.ReadAllText(path));
    }

    [Fact]
    public async Task Evaluate_pruning_trains_scored_and_random_subsets_and_writes_csv_and_plot()
    {
        var (code, output, err) = await Run("evaluate-pruning", "--run", "r1", "--runs", _runs.Path, "--fractions", "0.5", "--seeds", "2", "--epochs", "4", "--strategy", "hard,easy");
        Assert.True(code == 0, err);
        Assert.Contains("score-hard", output);
        var rows = PruningEvaluator.ReadCsv(File.OpenRead(_runs.File("r1", "results", "pruning.csv")));
        Assert.Equal(8, rows.Count); // (full + score-hard + score-easy + random) × 2 seeds
        Assert.Equal(2, rows.Count(r => r.Strategy == "score-easy"));
        Assert.Equal(2, rows.Count(r => r.Strategy == "random"));
        Assert.All(rows, r => Assert.InRange(r.Accuracy, 0.5, 1.0)); // 10 classes: chance is 0.1
        Assert.All(rows.Where(r => r.Fraction == 0.5), r => Assert.Equal(rows.First(x => x.Fraction == 0.5).Kept, r.Kept));
        Assert.Equal(_info.TestSplit.Length, rows[0].TestCount);
        Assert.Contains("test set: splits/test.npy", output);
        Assert.True(new FileInfo(_runs.File("r1", "results", "pruning.png")).Length > 5000);
    }

    [Fact]
    public async Task Evaluate_pruning_of_a_run_without_a_test_split_names_test_fraction_unless_a_holdout_is_asked_for()
    {
        SyntheticRun.Create(new LocalArtifactStore(_runs.Path), "r2", new SyntheticRunOptions { Count = 300, WithTestSplit = false });
        var (code, _, err) = await Run("evaluate-pruning", "--run", "r2", "--runs", _runs.Path, "--fractions", "0.5", "--seeds", "1", "--epochs", "1");
        Assert.Equal(2, code);
        Assert.Contains("no held-out test split", err);
        Assert.Contains("--test-fraction", err);
        Assert.False(File.Exists(_runs.File("r2", "results", "pruning.csv")));

        var (ok, output, okErr) = await Run("evaluate-pruning", "--run", "r2", "--runs", _runs.Path, "--fractions", "0.5", "--seeds", "1", "--epochs", "1", "--holdout", "0.2", "--no-full");
        Assert.True(ok == 0, okErr);
        Assert.Contains("test set: seeded stratified hold-out of 20", output);
        Assert.Contains("hold-out", File.ReadAllText(_runs.File("r2", "results", "pruning.csv")));
    }

    [Fact]
    public async Task Evaluate_pruning_rejects_an_unknown_strategy()
    {
        var (code, _, err) = await Run("evaluate-pruning", "--run", "r1", "--runs", _runs.Path, "--strategy", "hard,weird");
        Assert.Equal(2, code);
        Assert.Contains("weird", err);
    }

    [Fact]
    public async Task Evaluate_pruning_rejects_bad_fractions()
    {
        var (code, _, err) = await Run("evaluate-pruning", "--run", "r1", "--runs", _runs.Path, "--fractions", "0.5,1.2");
        Assert.Equal(2, code);
        Assert.Contains("(0, 1]", err);
        Assert.False(File.Exists(_runs.File("r1", "results", "pruning.csv")));
    }
}
