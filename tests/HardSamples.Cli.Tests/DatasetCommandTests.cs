using System.CommandLine;
using System.Text.Json;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Datasets;
using HardSamples.Shared.Storage.Local;
using HardSamples.TestSupport;

namespace HardSamples.Cli.Tests;

public class DatasetCommandTests
{
    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public async Task Inspect_prints_count_shape_histogram_and_problems_for_the_sample()
    {
        var (code, output, _) = await Run("dataset", "inspect", "mnist-sample");
        Assert.Equal(0, code);
        Assert.Contains("Count    10000", output);
        Assert.Contains("1x28x28", output);
        Assert.Contains("10 classes", output);
        Assert.Contains("1135", output); // digit 1 count in MNIST t10k
        Assert.Contains("Problems", output);
    }

    [Fact]
    public async Task Inspect_reports_invalid_input_as_a_problem_with_exit_code_1()
    {
        using var dir = new TempDirectory("cli");
        File.WriteAllBytes(dir.File("train-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0]);
        var (code, output, _) = await Run("dataset", "inspect", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("truncated IDX header", output);
    }

    [Fact]
    public async Task Prepare_writes_a_loadable_dataset_with_manifest_and_default_corruption()
    {
        using var dir = new TempDirectory("cli");
        var (code, output, error) = await Run("dataset", "prepare", "mnist-sample", "--out", dir.Path, "--shards", "2", "--test", "0.1");
        Assert.True(code == 0, error);
        Assert.Contains("fingerprint", output);
        foreach (var f in new[] { "manifest.json", "samples.npy", "labels.npy", "labels_clean.npy", "injected.npy", "partner.npy", "provenance.csv", "splits/A.npy", "splits/B.npy", "splits/shard-000.npy", "splits/shard-001.npy", "splits/test.npy" })
            Assert.True(File.Exists(Path.Combine(dir.Path, f)), f);
        var samples = Npy.ReadFile<float>(Path.Combine(dir.Path, "samples.npy"));
        // 10,000 − 500 (mixtures) + 100 near-duplicates.
        Assert.Equal([9600L, 1L, 28L, 28L], samples.Shape);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "manifest.json")));
        var counts = manifest.RootElement.GetProperty("injectedCounts");
        Assert.Equal(500, counts.GetProperty("mixture").GetInt32());
        Assert.Equal(10, counts.GetProperty("label_flip").GetInt32());
        Assert.Equal(100, counts.GetProperty("near_duplicate").GetInt32());
        var loaded = await PreparedDatasetStore.LoadAsync(new LocalArtifactStore(dir.Path), "");
        Assert.Equal(manifest.RootElement.GetProperty("fingerprint").GetString(), loaded.Manifest.Fingerprint);

        var again = await Run("dataset", "prepare", "mnist-sample", "--out", dir.Path);
        Assert.Equal(1, again.Code);
        Assert.Contains("already holds", again.Err);
    }

    [Fact]
    public async Task Prepare_of_bad_input_fails_clearly_and_writes_nothing()
    {
        using var input = new TempDirectory("cli-in");
        using var output = new TempDirectory("cli-out");
        Directory.CreateDirectory(input.File("a"));
        File.WriteAllBytes(input.File("a", "x.png"), [1, 2, 3, 4]);
        var (code, _, error) = await Run("dataset", "prepare", input.Path, "--out", output.Path);
        Assert.Equal(1, code);
        Assert.Contains("x.png", error);
        Assert.DoesNotContain(Directory.EnumerateFiles(output.Path, "*", SearchOption.AllDirectories), f => !f.Contains("/.hsmeta/"));
    }

    [Fact]
    public async Task Prepare_of_unlabeled_folder_drops_the_default_flip_rate()
    {
        using var input = new TempDirectory("cli-in");
        using var output = new TempDirectory("cli-out");
        var pixels = new byte[30 * 4 * 4];
        new Random(1).NextBytes(pixels);
        Npy.WriteFile<byte>(input.File("images.npy"), pixels, [30, 4, 4]);
        var (code, stdout, error) = await Run("dataset", "prepare", input.Path, "--out", output.Path, "--mix", "0.2", "--norm", "0.5/0.25");
        Assert.True(code == 0, error);
        Assert.Contains("label_flip 0", stdout);
        var manifest = await PreparedDatasetStore.ReadManifestAsync(new LocalArtifactStore(output.Path), "");
        Assert.False(manifest.HasLabels);
        Assert.Equal(0.5, manifest.Normalization.Mean[0]);

        var explicitFlip = await Run("dataset", "prepare", input.Path, "--out", output.Path, "--force", "--flip", "0.1");
        Assert.Equal(1, explicitFlip.Code);
        Assert.Contains("need labels", explicitFlip.Err);
    }
}
