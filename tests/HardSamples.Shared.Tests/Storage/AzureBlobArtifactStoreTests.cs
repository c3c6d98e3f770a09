using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Storage.Azure;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Storage;

/// <summary>The artifact contract against Azurite's blob service (a fresh container per test), plus Azure specifics.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobArtifactStoreTests(AzuriteFixture azurite) : ArtifactStoreContract
{
    private readonly string _containerName = "t" + Guid.NewGuid().ToString("N");

    private BlobContainerClient Container =>
        new BlobServiceClient(azurite.ConnectionString, AzureBlobArtifactStore.CreateClientOptions()).GetBlobContainerClient(_containerName);

    protected override Task<IArtifactStore> CreateStoreAsync() => Task.FromResult<IArtifactStore>(new AzureBlobArtifactStore(Container));

    protected override async Task CleanupAsync() => await Container.DeleteIfExistsAsync();

    [Fact]
    public async Task The_container_is_created_on_first_use()
    {
        Assert.False((await Container.ExistsAsync()).Value);
        Assert.False(await Store.ExistsAsync("anything"));
        Assert.True((await Container.ExistsAsync()).Value);
    }

    [Fact]
    public async Task The_sha256_is_stored_as_blob_metadata()
    {
        var data = TestStreams.Bytes(6 * 1024 * 1024, 5);
        var put = await PutAsync("meta/blob.bin", data, new ArtifactPutOptions(ContentType: "application/octet-stream"));
        var properties = (await Container.GetBlobClient("meta/blob.bin").GetPropertiesAsync()).Value;
        Assert.Equal(TestStreams.Sha256Hex(data), properties.Metadata[AzureBlobArtifactStore.Sha256MetadataKey]);
        Assert.Equal(put.ETag, properties.ETag.ToString());
        Assert.Equal("application/octet-stream", properties.ContentType);
        Assert.Equal(2, (await Container.GetBlockBlobClient("meta/blob.bin").GetBlockListAsync()).Value.CommittedBlocks.Count());
    }

    [Fact]
    public async Task Blobs_written_by_other_tools_get_their_sha256_computed()
    {
        var data = TestStreams.Bytes(70_000, 9);
        await Store.ExistsAsync("x");
        await Container.GetBlobClient("foreign/upload.bin").UploadAsync(new BinaryData(data));
        Assert.Equal(TestStreams.Sha256Hex(data), (await Store.GetInfoAsync("foreign/upload.bin"))!.Sha256);
        Assert.Equal(TestStreams.Sha256Hex(data), Assert.Single(await ListAsync("foreign/")).Sha256);
    }

    [Fact]
    public async Task Requests_carry_the_pinned_service_version()
    {
        var options = AzureBlobArtifactStore.CreateClientOptions();
        var versions = new System.Collections.Concurrent.ConcurrentBag<string>();
        options.AddPolicy(new HeaderRecorder("x-ms-version", versions), HttpPipelinePosition.PerRetry);
        var store = new AzureBlobArtifactStore(new BlobServiceClient(azurite.ConnectionString, options).GetBlobContainerClient(_containerName));
        await store.PutAsync("v.bin", new MemoryStream([1]));
        Assert.NotEmpty(versions);
        Assert.All(versions, v => Assert.Equal("2026-06-06", v));
    }

    private sealed class HeaderRecorder(string header, System.Collections.Concurrent.ConcurrentBag<string> seen) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Headers.TryGetValue(header, out var value)) seen.Add(value);
        }
    }

    [Fact]
    public async Task Storage_factory_connection_string_reaches_the_runs_and_datasets_containers()
    {
        var set = StorageFactory.Create(azurite.ConnectionString);
        var runId = Guid.NewGuid().ToString("N");
        await set.Runs.PutAsync($"{runId}/spec.json", new MemoryStream("{}"u8.ToArray()));
        await set.Datasets.PutAsync($"{runId}/images.bin", new MemoryStream([1, 2, 3]));
        var service = new BlobServiceClient(azurite.ConnectionString, AzureBlobArtifactStore.CreateClientOptions());
        Assert.True((await service.GetBlobContainerClient(StorageFactory.RunsContainer).GetBlobClient($"{runId}/spec.json").ExistsAsync()).Value);
        Assert.True((await service.GetBlobContainerClient(StorageFactory.DatasetsContainer).GetBlobClient($"{runId}/images.bin").ExistsAsync()).Value);
        await set.Tables.EnsureTableAsync("Runs");
        await set.Tables.InsertAsync("Runs", new TableRow("runs", runId, new Dictionary<string, object?> { ["Stage"] = "queued" }));
        Assert.Equal("queued", (await set.Tables.GetAsync("Runs", "runs", runId))!.Get<string>("Stage"));
    }
}
