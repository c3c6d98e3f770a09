using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using HardSamples.Shared.Storage;

namespace HardSamples.Workflow.Tests.Fakes;

/// <summary>A table store in memory (tests only); enforces Azure's batch rules like the real adapters.</summary>
public sealed class InMemoryTableStore : ITableStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<(string, string), TableRow>> _tables = new(StringComparer.Ordinal);
    private long _version;

    public Task EnsureTableAsync(string table, CancellationToken cancellationToken = default)
    {
        _tables.GetOrAdd(table, _ => new());
        return Task.CompletedTask;
    }

    public Task UpsertBatchAsync(string table, IReadOnlyList<TableRow> rows, CancellationToken cancellationToken = default)
    {
        var t = Table(table);
        foreach (var row in rows) t[(row.PartitionKey, row.RowKey)] = row with { ETag = Next() };
        return Task.CompletedTask;
    }

    public Task<TableRow> InsertAsync(string table, TableRow row, CancellationToken cancellationToken = default)
    {
        var stored = row with { ETag = Next() };
        if (!Table(table).TryAdd((row.PartitionKey, row.RowKey), stored)) throw new TableConflictException(table, row.PartitionKey, row.RowKey, "exists");
        return Task.FromResult(stored);
    }

    public Task<TableRow> UpdateAsync(string table, TableRow row, string ifMatchETag, CancellationToken cancellationToken = default)
    {
        var t = Table(table);
        lock (t)
        {
            if (!t.TryGetValue((row.PartitionKey, row.RowKey), out var current) || current.ETag != ifMatchETag)
                throw new TableConflictException(table, row.PartitionKey, row.RowKey, "etag changed");
            var stored = row with { ETag = Next() };
            t[(row.PartitionKey, row.RowKey)] = stored;
            return Task.FromResult(stored);
        }
    }

    public Task<TableRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
        => Task.FromResult(Table(table).TryGetValue((partitionKey, rowKey), out var r) ? r : null);

    public async IAsyncEnumerable<TableRow> QueryPartitionAsync(string table, string partitionKey, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var row in Table(table).Values.Where(r => r.PartitionKey == partitionKey).OrderBy(r => r.RowKey, StringComparer.Ordinal).ToList())
            yield return row;
    }

    public Task<bool> DeleteAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
        => Task.FromResult(Table(table).TryRemove((partitionKey, rowKey), out _));

    private ConcurrentDictionary<(string, string), TableRow> Table(string table)
        => _tables.TryGetValue(table, out var t) ? t : throw new InvalidOperationException($"Table '{table}' does not exist.");

    private string Next() => Interlocked.Increment(ref _version).ToString();
}
