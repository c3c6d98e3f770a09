using Azure.Storage.Blobs;
using HardSamples.Shared.Storage.Azure;
using HardSamples.TestSupport;
using HardSamples.Workflow;
using HardSamples.Workflow.Tests;
using Microsoft.Extensions.Logging.Abstractions;

namespace HardSamples.Orchestrator.Tests.Functions;

/// <summary>The blob start against Azurite: one upload (blob name + ETag) starts exactly one run.</summary>
public sealed class DatasetUploadFunctionTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private WorkflowHarness _h = null!;
    private BlobContainerClient _datasets = null!;

    public DatasetUploadFunctionTests(AzuriteFixture azurite) => _azurite = azurite;

    public async Task InitializeAsync()
    {
        _h = await WorkflowHarness.StartAsync();
        var service = new BlobServiceClient(_azurite.ConnectionString, AzureBlobArtifactStore.CreateClientOptions());
        _datasets = service.GetBlobContainerClient("datasets");
        await _datasets.CreateIfNotExistsAsync();
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private DatasetUploadFunction Function() => new(_h.P.Store, _h.Status, _h.P.Launcher, NullLogger<DatasetUploadFunction>.Instance);

    [Fact]
    public async Task One_upload_starts_one_run_and_a_new_upload_of_the_same_name_another()
    {
        var blob = _datasets.GetBlobClient("mnist-10k.zip");
        await blob.UploadAsync(BinaryData.FromBytes([1, 2, 3]), overwrite: true);

        var first = await Function().StartForUploadAsync(blob, "mnist-10k.zip", _h.Runs, default);
        var repeated = await Function().StartForUploadAsync(blob, "mnist-10k.zip", _h.Runs, default);

        Assert.NotNull(first);
        Assert.StartsWith("up-mnist-10k-", first);
        Assert.Null(repeated); // a second notification of the same upload schedules nothing
        var request = await ArtifactJson.ReadAsync<RunRequest>(_h.P.Store, RunLayout.Request(first!));
        Assert.Equal("datasets/mnist-10k.zip", request.Dataset);
        Assert.Equal((await blob.GetPropertiesAsync()).Value.ETag.ToString(), request.DatasetETag);
        await _h.WaitAsync(first!);

        await blob.UploadAsync(BinaryData.FromBytes([4, 5, 6]), overwrite: true);
        var second = await Function().StartForUploadAsync(blob, "mnist-10k.zip", _h.Runs, default);
        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        Assert.Equal(2, await CountInstancesAsync());
    }

    [Fact]
    public async Task Folder_markers_are_ignored()
    {
        var blob = _datasets.GetBlobClient("folder/");
        Assert.Null(await Function().StartForUploadAsync(blob, "folder/", _h.Runs, default));
        Assert.Equal(0, await CountInstancesAsync());
    }

    private async Task<int> CountInstancesAsync()
    {
        var n = 0;
        await foreach (var _ in _h.Client.GetAllInstancesAsync()) n++;
        return n;
    }
}
