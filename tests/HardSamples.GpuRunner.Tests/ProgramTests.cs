using HardSamples.GpuRunner.Tests.Support;
using HardSamples.Shared.Configuration;
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
    public async Task ReadsTheSpecFromTheLauncherVariableWhenNoJobIsGiven()
    {
        using var dir = new TempDirectory("gpurunner");
        var root = dir.File("store");
        var stores = StorageFactory.Create("local:" + root);
        var staging = new InMemoryArtifactStore();
        await TestData.WriteMnistAsync(staging, "run1/data/", 32);
        foreach (var name in staging.Names())
        {
            using var ms = new MemoryStream(staging.Bytes(name));
            await stores.Runs.PutAsync(name, ms);
        }
        var spec = TestData.Spec(ProbeKind.Autoencoder, "ae-env", epochs: 1);
        Environment.SetEnvironmentVariable(JobEnvironment.SpecVariable, JobEnvironment.Encode(spec));
        try
        {
            Assert.Equal(0, await Program.Main(["--storage", "local:" + root]));
        }
        finally
        {
            Environment.SetEnvironmentVariable(JobEnvironment.SpecVariable, null);
        }
        Assert.Equal(JobStatus.Succeeded, (await ProbeRunner.ReadResultAsync(stores.Runs, spec))!.Status);
    }

    [Fact]
    public void StorageComesFromTheArgumentThenTheVariableThenTheDeployedSettings()
    {
        using var dir = new TempDirectory("gpurunner");
        var env = new Dictionary<string, string?>
        {
            [RunnerStorage.StorageVariable] = "local:" + dir.File("from-env"),
            [SettingNames.StorageBlobServiceUri] = "https://acct.blob.core.windows.net",
            [SettingNames.RunsContainer] = "runs-x",
        };
        string? Read(string name) => env.GetValueOrDefault(name);

        Assert.Contains("from-arg", RunnerStorage.Resolve("local:" + dir.File("from-arg"), Read).Description);
        Assert.Contains("from-env", RunnerStorage.Resolve(null, Read).Description);
        env.Remove(RunnerStorage.StorageVariable);
        var azure = RunnerStorage.Resolve(null, Read);
        Assert.Contains("'runs-x'", azure.Description);
        Assert.Contains("acct.blob.core.windows.net", azure.Description);
        env.Clear();
        Assert.Throws<ArgumentException>(() => RunnerStorage.Resolve(null, Read));
        env[SettingNames.StorageBlobServiceUri] = "not a uri";
        Assert.Throws<ArgumentException>(() => RunnerStorage.Resolve(null, Read));
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
