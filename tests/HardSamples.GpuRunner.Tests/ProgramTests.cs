using HardSamples.GpuRunner.Tests.Support;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;
using HardSamples.TestSupport;

namespace HardSamples.GpuRunner.Tests;

[Collection(TorchCollection.Name)]
public sealed class ProgramTests
{
    [Fact]
    public async Task RunsAJobSpecFileAgainstLocalStorage()
    {
        using var dir = new TempDirectory("gpurunner");
        var root = dir.File("store");
        var stores = StorageFactory.Create("local:" + root);
        var staging = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(staging, "run1/data/", 64);
        foreach (var name in staging.Names())
        {
            using var ms = new MemoryStream(staging.Bytes(name));
            await stores.Runs.PutAsync(name, ms);
        }
        var spec = TestData.Spec(ProbeKind.Autoencoder, "ae", epochs: 1);
        var specPath = dir.File("job.json");
        await File.WriteAllTextAsync(specPath, ContractJson.Serialize(spec));

        var exit = await Program.Main(["--job", specPath, "--storage", "local:" + root, "--threads", "1"]);

        Assert.Equal(0, exit);
        var result = await ProbeRunner.ReadResultAsync(stores.Runs, spec);
        Assert.Equal(JobStatus.Succeeded, result!.Status);
        Assert.True(File.Exists(Path.Combine(root, "runs", "run1", "probes", "ae", "embeddings.npy")));
    }

    [Fact]
    public async Task UsageErrorsExitWithTwo()
    {
        using var dir = new TempDirectory("gpurunner");
        Assert.Equal(2, await Program.Main([]));
        Assert.Equal(2, await Program.Main(["--job"]));
        Assert.Equal(2, await Program.Main(["--job", dir.File("missing.json"), "--storage", "local:" + dir.Path]));
        await File.WriteAllTextAsync(dir.File("bad.json"), "{ not json");
        Assert.Equal(2, await Program.Main(["--job", dir.File("bad.json"), "--storage", "local:" + dir.Path]));
        Assert.Equal(2, await Program.Main(["--job", dir.File("bad.json"), "--storage", "nonsense"]));
    }
}
