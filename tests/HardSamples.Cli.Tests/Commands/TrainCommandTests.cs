using HardSamples.Cli.Training;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Contracts;
using HardSamples.TestSupport;

namespace HardSamples.Cli.Tests.Commands;

public sealed class TrainCommandTests
{
    private static string WritePreparedFolder(TempDirectory dir, int n)
    {
        var folder = dir.File("prepared");
        Directory.CreateDirectory(Path.Combine(folder, "splits"));
        var random = new Random(5);
        var samples = Enumerable.Range(0, n * 784).Select(_ => (float)(random.NextDouble() * 2 - 0.5)).ToArray();
        Npy.WriteFile<float>(Path.Combine(folder, "samples.npy"), samples, [n, 1, 28, 28]);
        Npy.WriteFile<int>(Path.Combine(folder, "labels.npy"), Enumerable.Range(0, n).Select(i => i % 10).ToArray(), [n]);
        var a = Enumerable.Range(0, n).Where(i => i % 2 == 0).ToArray();
        var b = Enumerable.Range(0, n).Where(i => i % 2 == 1).ToArray();
        Npy.WriteFile<int>(Path.Combine(folder, "splits", "A.npy"), a, [a.Length]);
        Npy.WriteFile<int>(Path.Combine(folder, "splits", "B.npy"), b, [b.Length]);
        File.WriteAllText(Path.Combine(folder, "manifest.json"), $"{{\"schemaVersion\":1,\"count\":{n},\"classCount\":10}}");
        return folder;
    }

    [Fact]
    public async Task TrainAeWritesNumpyArraysUnderOut()
    {
        using var dir = new TempDirectory("train");
        var prepared = WritePreparedFolder(dir, 80);
        var output = dir.File("out");

        var exit = await Program.Main(["train", "ae", "--dataset", prepared, "--epochs", "2", "--out", output, "--threads", "1"]);

        Assert.Equal(0, exit);
        var embeddings = Npy.ReadFile<float>(Path.Combine(output, "probes", "ae", "embeddings.npy"));
        Assert.Equal([2L, 80, 10], embeddings.Shape);
        Assert.Equal([2L, 80], Npy.ReadFile<float>(Path.Combine(output, "probes", "ae", "losses.npy")).Shape);
        Assert.True(File.Exists(Path.Combine(output, "probes", "ae", "result.json")));
        Assert.True(File.Exists(Path.Combine(output, "data", "samples.npy")));
    }

    [Fact]
    public async Task TrainAeLeavesAHeldOutTestSplitAlone()
    {
        using var dir = new TempDirectory("train");
        var prepared = WritePreparedFolder(dir, 80);
        var test = Enumerable.Range(0, 80).Where(i => i % 5 == 0).ToArray();
        var train = Enumerable.Range(0, 80).Where(i => i % 5 != 0).ToArray();
        Npy.WriteFile<int>(Path.Combine(prepared, "splits", "test.npy"), test, [test.Length]);
        Npy.WriteFile<int>(Path.Combine(prepared, "splits", "train.npy"), train, [train.Length]);
        var output = dir.File("out");

        var exit = await Program.Main(["train", "ae", "--dataset", prepared, "--epochs", "1", "--out", output, "--threads", "1"]);

        Assert.Equal(0, exit);
        Assert.Equal(train, Npy.ReadFile<int>(Path.Combine(output, "probes", "ae", "sample_index.npy")).Data);
        Assert.Equal([1L, 64, 10], Npy.ReadFile<float>(Path.Combine(output, "probes", "ae", "embeddings.npy")).Shape);
    }

    [Fact]
    public async Task TrainSsftRunsBothDirections()
    {
        using var dir = new TempDirectory("train");
        var prepared = WritePreparedFolder(dir, 80);
        var output = dir.File("out");

        var exit = await Program.Main(["train", "ssft", "--dataset", prepared, "--epochs", "1", "--out", output, "--batch-size", "16", "--threads", "1"]);

        Assert.Equal(0, exit);
        foreach (var job in new[] { "ssft-ab", "ssft-ba" })
        {
            Assert.Equal([5L, 40], Npy.ReadFile<float>(Path.Combine(output, "probes", job, "forget_prob.npy")).Shape);
            Assert.Equal(40, Npy.ReadFile<int>(Path.Combine(output, "probes", job, "sample_index.npy")).Shape[0]);
        }
    }

    [Fact]
    public void PlansOneJobPerSsftDirection()
    {
        var request = new TrainRequest(ProbeKind.Ssft, "d", "o", 3, ProbeDefaults.For(ProbeKind.Ssft), Split: "A", SecondSplit: "B");
        var plan = LocalTraining.Plan(request);
        Assert.Equal(["ssft-ab", "ssft-ba"], plan.Select(p => p.JobId));
        Assert.Equal(("B", "A"), (plan[1].Split, plan[1].SecondSplit));
        Assert.Equal("probes/ssft-ba/", plan[1].OutputPrefix);
        Assert.Single(LocalTraining.Plan(request with { Probe = ProbeKind.Autoencoder, Split = "all", SecondSplit = null }));
    }

    [Fact]
    public async Task TrainAePreparesTheBundledSampleAndResumesWithoutPreparingAgain()
    {
        using var dir = new TempDirectory("train");
        var output = dir.File("out");
        var options = new HardSamples.GpuRunner.ProbeRunOptions { Threads = 1 };
        var request = new TrainRequest(ProbeKind.Autoencoder, "mnist-sample", output, 1, ProbeDefaults.For(ProbeKind.Autoencoder) with { SsimEvery = 0 }, Split: "A");

        var results = await LocalTraining.RunAsync(request, options: options);

        Assert.Equal(JobStatus.Succeeded, Assert.Single(results).Status);
        var manifest = Path.Combine(output, "data", "manifest.json");
        Assert.Contains("mnist-sample", File.ReadAllText(manifest));
        var losses = Npy.ReadFile<float>(Path.Combine(output, "probes", "ae", "losses.npy"));
        Assert.Equal(Npy.ReadFile<int>(Path.Combine(output, "data", "splits", "A.npy")).Shape[0], losses.Shape[1]);
        var written = File.GetLastWriteTimeUtc(manifest);
        await LocalTraining.RunAsync(request, options: options);
        Assert.Equal(written, File.GetLastWriteTimeUtc(manifest));
    }

    [Fact]
    public async Task AMissingDatasetIsAClearError()
    {
        using var dir = new TempDirectory("train");
        Assert.Equal(2, await Program.Main(["train", "ae", "--dataset", dir.File("missing"), "--epochs", "1", "--out", dir.File("o")]));
        Assert.Equal(2, await Program.Main(["train", "ae", "--dataset", dir.Path, "--epochs", "1", "--out", dir.File("o")]));
    }
}
