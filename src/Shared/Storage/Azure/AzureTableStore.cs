using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace HardSamples.Shared.Storage.Azure;

/// <summary>
/// <see cref="ITableStore"/> over Azure Table storage (or Azurite). Upsert batches are cut by
/// <see cref="TableBatchSplitter"/> into transactions the real service accepts (one partition, ≤100 operations,
/// ≤4 MiB), each applied atomically, in order. Values map to EDM types: string, bool, Int32, Int64, Double,
/// DateTime (UTC), Guid, Binary. Conflicts become <see cref="TableConflictException"/>, a missing table
/// <see cref="TableNotFoundException"/>.
/// </summary>
public sealed class AzureTableStore(TableServiceClient service) : ITableStore
{
    private static readonly HashSet<string> SystemProperties = new(StringComparer.Ordinal)
    {
        "PartitionKey", "RowKey", "Timestamp", "odata.etag",
    };

    private readonly TableServiceClient _service = service ?? throw new ArgumentNullException(nameof(service));

    /// <inheritdoc />
    public async Task EnsureTableAsync(string table, CancellationToken cancellationToken = default)
    {
        await Client(table).CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task UpsertBatchAsync(string table, IReadOnlyList<TableRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var client = Client(table);
        foreach (var row in rows) TableValidation.ValidateRow(row);
        foreach (var batch in TableBatchSplitter.Split(rows))
        {
            try
            {
                if (batch.Count == 1)
                {
                    await client.UpsertEntityAsync(ToEntity(batch[0]), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var actions = batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(r)));
                    await client.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (RequestFailedException e) when (IsTableNotFound(e))
            {
                throw new TableNotFoundException(table);
            }
        }
    }

    /// <inheritdoc />
    public async Task<TableRow> InsertAsync(string table, TableRow row, CancellationToken cancellationToken = default)
    {
        var client = Client(table);
        TableValidation.ValidateRow(row);
        try
        {
            var response = await client.AddEntityAsync(ToEntity(row), cancellationToken).ConfigureAwait(false);
            return TableRows.Normalize(row, response.Headers.ETag?.ToString());
        }
        catch (RequestFailedException e) when (IsTableNotFound(e))
        {
            throw new TableNotFoundException(table);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            throw new TableConflictException(table, row.PartitionKey, row.RowKey, $"the row already exists ({e.ErrorCode}).");
        }
    }

    /// <inheritdoc />
    public async Task<TableRow> UpdateAsync(string table, TableRow row, string ifMatchETag, CancellationToken cancellationToken = default)
    {
        var client = Client(table);
        TableValidation.ValidateRow(row);
        ArgumentException.ThrowIfNullOrEmpty(ifMatchETag);
        try
        {
            var response = await client.UpdateEntityAsync(ToEntity(row), new ETag(ifMatchETag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return TableRows.Normalize(row, response.Headers.ETag?.ToString());
        }
        catch (RequestFailedException e) when (IsTableNotFound(e))
        {
            throw new TableNotFoundException(table);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new TableConflictException(table, row.PartitionKey, row.RowKey, $"the row does not exist ({e.ErrorCode}).");
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            throw new TableConflictException(table, row.PartitionKey, row.RowKey, $"its ETag changed since {ifMatchETag} was read ({e.ErrorCode}).");
        }
    }

    /// <inheritdoc />
    public async Task<TableRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        var client = Client(table);
        TableValidation.ValidateKey(partitionKey, "partition key");
        TableValidation.ValidateKey(rowKey, "row key");
        try
        {
            var response = await client.GetEntityAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return FromEntity(response.Value);
        }
        catch (RequestFailedException e) when (IsTableNotFound(e))
        {
            throw new TableNotFoundException(table);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TableRow> QueryPartitionAsync(string table, string partitionKey, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var client = Client(table);
        TableValidation.ValidateKey(partitionKey, "partition key");
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");
        var pages = client.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).AsPages().GetAsyncEnumerator(cancellationToken);
        await using (pages.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await pages.MoveNextAsync().ConfigureAwait(false)) break;
                }
                catch (RequestFailedException e) when (IsTableNotFound(e))
                {
                    throw new TableNotFoundException(table);
                }
                foreach (var entity in pages.Current.Values) yield return FromEntity(entity);
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        var client = Client(table);
        TableValidation.ValidateKey(partitionKey, "partition key");
        TableValidation.ValidateKey(rowKey, "row key");
        Response response;
        try
        {
            response = await client.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (IsTableNotFound(e))
        {
            throw new TableNotFoundException(table);
        }
        if (response.Status != 404) return true;
        // The SDK reports a missing row as a plain 404 response; a missing table answers the same status.
        if (response.Content.ToString().Contains("TableNotFound", StringComparison.Ordinal)) throw new TableNotFoundException(table);
        return false;
    }

    /// <summary>The row as an Azure entity (null properties dropped, dates in UTC).</summary>
    public static TableEntity ToEntity(TableRow row)
    {
        var entity = new TableEntity(row.PartitionKey, row.RowKey);
        foreach (var (name, value) in row.Properties)
        {
            if (value is null) continue;
            entity[name] = value is DateTimeOffset d ? d.ToUniversalTime() : value;
        }
        return entity;
    }

    /// <summary>An Azure entity as a row, with values in the port's types.</summary>
    public static TableRow FromEntity(TableEntity entity)
    {
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in entity)
        {
            if (SystemProperties.Contains(name) || name.EndsWith("@odata.type", StringComparison.Ordinal)) continue;
            properties[name] = value switch
            {
                DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
                DateTimeOffset dto => dto.ToUniversalTime(),
                BinaryData data => data.ToArray(),
                _ => value,
            };
        }
        return new TableRow(entity.PartitionKey, entity.RowKey, properties, entity.ETag.ToString());
    }

    private TableClient Client(string table) => _service.GetTableClient(TableValidation.ValidateTableName(table));

    private static bool IsTableNotFound(RequestFailedException e) => e.Status == 404 && e.ErrorCode == "TableNotFound";
}
