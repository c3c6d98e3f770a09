using HardSamples.Shared.Storage;
using HardSamples.Shared.Storage.Azure;
using HardSamples.Shared.Storage.Local;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Storage;

public sealed class StorageFactoryTests
{
    private const string AccountConnection = "DefaultEndpointsProtocol=https;AccountName=myacct;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net";

    [Fact]
    public void Local_uses_the_default_root_or_the_given_path()
    {
        Assert.Equal(new LocalStorageSpec(Path.GetFullPath("out")), StorageFactory.Parse("local"));
        Assert.Equal(new LocalStorageSpec("/data/runs"), StorageFactory.Parse("local", "/data/runs"));
        Assert.Equal(new LocalStorageSpec("/srv/hs"), StorageFactory.Parse("local:/srv/hs"));
        Assert.Equal(new LocalStorageSpec(Path.GetFullPath("rel/dir")), StorageFactory.Parse("  LOCAL:rel/dir "));
    }

    [Fact]
    public void Connection_strings_are_recognised()
    {
        var dev = Assert.IsType<ConnectionStringStorageSpec>(StorageFactory.Parse("UseDevelopmentStorage=true"));
        Assert.Equal("devstoreaccount1", dev.AccountName);
        var account = Assert.IsType<ConnectionStringStorageSpec>(StorageFactory.Parse(AccountConnection));
        Assert.Equal("myacct", account.AccountName);
        Assert.DoesNotContain("c2VjcmV0", account.ToString());
        Assert.IsType<ConnectionStringStorageSpec>(StorageFactory.Parse("BlobEndpoint=http://127.0.0.1:1/a;TableEndpoint=http://127.0.0.1:2/a;SharedAccessSignature=sv=1"));
    }

    [Theory]
    [InlineData("https://myacct.blob.core.windows.net", "https://myacct.blob.core.windows.net/", "https://myacct.table.core.windows.net/")]
    [InlineData("https://myacct.blob.core.windows.net/", "https://myacct.blob.core.windows.net/", "https://myacct.table.core.windows.net/")]
    [InlineData("https://myacct.table.core.windows.net", "https://myacct.blob.core.windows.net/", "https://myacct.table.core.windows.net/")]
    [InlineData("https://acct2.blob.core.chinacloudapi.cn", "https://acct2.blob.core.chinacloudapi.cn/", "https://acct2.table.core.chinacloudapi.cn/")]
    public void Service_uris_give_both_endpoints_of_the_account(string spec, string blob, string table)
    {
        var parsed = Assert.IsType<ServiceUriStorageSpec>(StorageFactory.Parse(spec));
        Assert.Equal(new Uri(blob), parsed.BlobServiceUri);
        Assert.Equal(new Uri(table), parsed.TableServiceUri);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("azure", "not 'local'")]
    [InlineData("local:", "needs a folder")]
    [InlineData("http://myacct.blob.core.windows.net", "https")]
    [InlineData("https://myacct.blob.core.windows.net/runs", "without a container")]
    [InlineData("https://example.com", "ACCOUNT.blob.SUFFIX")]
    [InlineData("https://myacct.queue.core.windows.net", "ACCOUNT.blob.SUFFIX")]
    [InlineData("UseDevelopmentStorage=false", "must be 'true'")]
    [InlineData("AccountName=x", "neither AccountKey")]
    [InlineData("AccountKey=abc", "no AccountName")]
    [InlineData("AccountName=x;garbage", "not KEY=VALUE")]
    public void Bad_specifications_say_what_is_wrong_and_what_is_accepted(string spec, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => StorageFactory.Parse(spec));
        Assert.Contains(why, e.Message);
        Assert.Contains("'local:PATH'", e.Message);
    }

    [Fact]
    public void Errors_never_echo_account_keys()
    {
        var e = Assert.Throws<ArgumentException>(() => StorageFactory.Parse("AccountKey=c2VjcmV0;bogus"));
        Assert.DoesNotContain("c2VjcmV0", e.Message);
    }

    [Fact]
    public async Task Local_spec_builds_runs_datasets_and_tables_under_the_root()
    {
        using var temp = new TempDirectory("factory");
        var set = StorageFactory.Create($"local:{temp.Path}");
        Assert.IsType<LocalArtifactStore>(set.Runs);
        var tables = Assert.IsType<SqliteTableStore>(set.Tables);
        await set.Runs.PutAsync("r1/results/metrics.csv", new MemoryStream("x\n"u8.ToArray()));
        await set.Datasets.PutAsync("mnist/images.idx", new MemoryStream([1]));
        Assert.True(File.Exists(Path.Join(temp.Path, "runs", "r1", "results", "metrics.csv")));
        Assert.True(File.Exists(Path.Join(temp.Path, "datasets", "mnist", "images.idx")));
        Assert.Equal(Path.Join(temp.Path, "tables.db"), tables.DatabaseFile);
        tables.Dispose();
    }

    [Fact]
    public void Azure_specs_build_azure_adapters_on_the_fixed_containers()
    {
        var set = StorageFactory.Create("UseDevelopmentStorage=true");
        Assert.Equal(StorageFactory.RunsContainer, Assert.IsType<AzureBlobArtifactStore>(set.Runs).ContainerName);
        Assert.Equal(StorageFactory.DatasetsContainer, Assert.IsType<AzureBlobArtifactStore>(set.Datasets).ContainerName);
        Assert.IsType<AzureTableStore>(set.Tables);
        Assert.DoesNotContain("AccountKey", StorageFactory.Create(AccountConnection).Description);
    }
}
