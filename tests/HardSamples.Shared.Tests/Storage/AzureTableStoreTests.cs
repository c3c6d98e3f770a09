using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Storage.Azure;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Storage;

/// <summary>The table contract against Azurite's table service (a fresh table per test).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureTableStoreTests(AzuriteFixture azurite) : TableStoreContract
{
    private TableServiceClient Service => new(azurite.ConnectionString);

    protected override Task<ITableStore> CreateStoreAsync() => Task.FromResult<ITableStore>(new AzureTableStore(Service));

    protected override async Task CleanupAsync() => await Service.DeleteTableAsync(Table);

    [Fact]
    public async Task Upsert_batch_goes_out_as_one_transaction_per_partition_chunk()
    {
        var requests = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var options = new TableClientOptions();
        options.AddPolicy(new RequestRecorder(requests), HttpPipelinePosition.PerCall);
        var store = new AzureTableStore(new TableServiceClient(azurite.ConnectionString, options));
        var rows = new[] { ("p0", 120), ("p1", 100), ("p2", 30) }
            .SelectMany(p => Enumerable.Range(0, p.Item2).Select(i => new TableRow(p.Item1, $"r{i:D4}", new Dictionary<string, object?> { ["V"] = i })))
            .ToList();
        await store.UpsertBatchAsync(Table, rows);
        Assert.Equal(4, requests.Count(r => r.EndsWith("/$batch", StringComparison.Ordinal)));
        Assert.Equal(4, requests.Count);
    }

    private sealed class RequestRecorder(System.Collections.Concurrent.ConcurrentQueue<string> requests) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => requests.Enqueue(message.Request.Uri.Path);
    }

    [Fact]
    public async Task Values_are_stored_with_their_edm_types()
    {
        await Store.InsertAsync(Table, new TableRow("p", "r", new Dictionary<string, object?>
        {
            ["Big"] = 5L, ["Real"] = 2.0, ["When"] = DateTimeOffset.UnixEpoch, ["Id"] = Guid.Empty, ["Bytes"] = new byte[] { 1 },
        }));
        var entity = (await Service.GetTableClient(Table).GetEntityAsync<TableEntity>("p", "r")).Value;
        Assert.Equal(5L, entity.GetInt64("Big"));
        Assert.Equal(2.0, entity.GetDouble("Real"));
        Assert.Equal(DateTimeOffset.UnixEpoch, entity.GetDateTimeOffset("When"));
        Assert.Equal(Guid.Empty, entity.GetGuid("Id"));
        Assert.Equal(new byte[] { 1 }, entity.GetBinary("Bytes"));
    }
}
