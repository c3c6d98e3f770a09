namespace HardSamples.Shared.Storage;

/// <summary>
/// Entity tables (Azure Table storage semantics): rows addressed by partition key + row key, with
/// typed properties and ETags. Implementations enforce Azure's real batch limits (one partition,
/// ≤100 operations, ≤4 MiB per transaction) even where the backend would not.
/// </summary>
public interface ITableStore
{
    /// <summary>Creates the table when missing. Table names: 3–63 letters/digits, starting with a letter.</summary>
    Task EnsureTableAsync(string table, CancellationToken cancellationToken = default);

    /// <summary>Insert-or-replace many rows; split into valid transactions per partition.</summary>
    Task UpsertBatchAsync(string table, IReadOnlyList<TableRow> rows, CancellationToken cancellationToken = default);

    /// <summary>Inserts a new row; <see cref="TableConflictException"/> when it exists. Returns the row with its ETag.</summary>
    Task<TableRow> InsertAsync(string table, TableRow row, CancellationToken cancellationToken = default);

    /// <summary>Replaces a row only if its stored ETag equals <paramref name="ifMatchETag"/>; otherwise <see cref="TableConflictException"/>.</summary>
    Task<TableRow> UpdateAsync(string table, TableRow row, string ifMatchETag, CancellationToken cancellationToken = default);

    /// <summary>One row, or null.</summary>
    Task<TableRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>All rows of one partition, ordered by row key.</summary>
    IAsyncEnumerable<TableRow> QueryPartitionAsync(string table, string partitionKey, CancellationToken cancellationToken = default);

    /// <summary>Deletes a row; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default);
}

/// <summary>
/// One table row. Property values may be string, bool, int, long, double, DateTimeOffset, Guid or byte[].
/// </summary>
/// <param name="PartitionKey">Partition key (validated: no '/', '\\', '#', '?', control characters; ≤1 KiB).</param>
/// <param name="RowKey">Row key (same rules).</param>
/// <param name="Properties">Named values.</param>
/// <param name="ETag">Version tag as read from the store; null for new rows.</param>
public sealed record TableRow(string PartitionKey, string RowKey, IReadOnlyDictionary<string, object?> Properties, string? ETag = null)
{
    /// <summary>A typed property value, or default when absent.</summary>
    public T? Get<T>(string name) => Properties.TryGetValue(name, out var v) && v is not null ? (T)Convert.ChangeType(v, typeof(T) == typeof(T?) ? Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T) : typeof(T), System.Globalization.CultureInfo.InvariantCulture) : default;
}

/// <summary>A conditional table write lost: the row exists (insert) or its ETag changed (update).</summary>
public sealed class TableConflictException(string table, string partitionKey, string rowKey, string reason)
    : Exception($"Table '{table}' row ({partitionKey}, {rowKey}): {reason}");

/// <summary>An operation named a table that was never created (call <see cref="ITableStore.EnsureTableAsync"/> first).</summary>
public sealed class TableNotFoundException(string table)
    : Exception($"Table '{table}' does not exist; create it with EnsureTableAsync first.")
{
    /// <summary>The missing table's name.</summary>
    public string Table { get; } = table;
}
