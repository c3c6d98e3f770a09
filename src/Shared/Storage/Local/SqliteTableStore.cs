using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace HardSamples.Shared.Storage.Local;

/// <summary>
/// <see cref="ITableStore"/> in one SQLite file. Each logical table is the SQL table <c>t_{name}</c> (lower case, as
/// Azure table names are case-insensitive) with columns <c>pk</c>, <c>rk</c>, <c>props</c> (typed JSON, see
/// <see cref="TypedJson"/>) and <c>etag</c>. WAL journal; every call takes its own pooled connection, so one instance is
/// safe to share between threads; writes use immediate transactions and a busy timeout, so several processes can share
/// the file too. An upsert batch is one SQL transaction (stronger than Azure, which commits per partition chunk).
/// </summary>
public sealed class SqliteTableStore : ITableStore, IDisposable
{
    private const int BusyTimeoutMs = 60_000;
    private readonly string _connectionString;

    /// <summary>Opens (creating when missing) the database file.</summary>
    public SqliteTableStore(string databaseFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseFile);
        DatabaseFile = Path.GetFullPath(databaseFile);
        Directory.CreateDirectory(Path.GetDirectoryName(DatabaseFile)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabaseFile,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMs / 1000,
        }.ToString();
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode=WAL;");
    }

    /// <summary>Absolute path of the database file.</summary>
    public string DatabaseFile { get; }

    /// <inheritdoc />
    public Task EnsureTableAsync(string table, CancellationToken cancellationToken = default)
    {
        var sql = SqlName(table);
        using var connection = Open();
        Execute(connection, $"CREATE TABLE IF NOT EXISTS {sql} (pk TEXT NOT NULL, rk TEXT NOT NULL, props TEXT NOT NULL, etag TEXT NOT NULL, PRIMARY KEY (pk, rk)) WITHOUT ROWID;");
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UpsertBatchAsync(string table, IReadOnlyList<TableRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sql = SqlName(table);
        foreach (var row in rows) TableValidation.ValidateRow(row);
        if (rows.Count == 0) return Task.CompletedTask;
        Run(table, () =>
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO {sql} (pk, rk, props, etag) VALUES ($pk, $rk, $props, $etag) ON CONFLICT (pk, rk) DO UPDATE SET props = excluded.props, etag = excluded.etag;";
            var pk = command.Parameters.Add("$pk", SqliteType.Text);
            var rk = command.Parameters.Add("$rk", SqliteType.Text);
            var props = command.Parameters.Add("$props", SqliteType.Text);
            var etag = command.Parameters.Add("$etag", SqliteType.Text);
            foreach (var row in rows)
            {
                cancellationToken.ThrowIfCancellationRequested();
                pk.Value = row.PartitionKey;
                rk.Value = row.RowKey;
                props.Value = TypedJson.Write(row.Properties);
                etag.Value = NewETag();
                command.ExecuteNonQuery();
            }
            transaction.Commit();
        });
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<TableRow> InsertAsync(string table, TableRow row, CancellationToken cancellationToken = default)
    {
        var sql = SqlName(table);
        TableValidation.ValidateRow(row);
        var etag = NewETag();
        Run(table, () =>
        {
            using var connection = Open();
            using var command = Command(connection, $"INSERT INTO {sql} (pk, rk, props, etag) VALUES ($pk, $rk, $props, $etag);", row.PartitionKey, row.RowKey);
            command.Parameters.AddWithValue("$props", TypedJson.Write(row.Properties));
            command.Parameters.AddWithValue("$etag", etag);
            try
            {
                command.ExecuteNonQuery();
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 19)
            {
                throw new TableConflictException(table, row.PartitionKey, row.RowKey, "the row already exists.");
            }
        });
        return Task.FromResult(TableRows.Normalize(row, etag));
    }

    /// <inheritdoc />
    public Task<TableRow> UpdateAsync(string table, TableRow row, string ifMatchETag, CancellationToken cancellationToken = default)
    {
        var sql = SqlName(table);
        TableValidation.ValidateRow(row);
        ArgumentException.ThrowIfNullOrEmpty(ifMatchETag);
        var etag = NewETag();
        Run(table, () =>
        {
            using var connection = Open();
            var condition = ifMatchETag == "*" ? "" : " AND etag = $ifMatch";
            using var command = Command(connection, $"UPDATE {sql} SET props = $props, etag = $etag WHERE pk = $pk AND rk = $rk{condition};", row.PartitionKey, row.RowKey);
            command.Parameters.AddWithValue("$props", TypedJson.Write(row.Properties));
            command.Parameters.AddWithValue("$etag", etag);
            command.Parameters.AddWithValue("$ifMatch", ifMatchETag);
            if (command.ExecuteNonQuery() == 1) return;
            using var probe = Command(connection, $"SELECT etag FROM {sql} WHERE pk = $pk AND rk = $rk;", row.PartitionKey, row.RowKey);
            var current = probe.ExecuteScalar() as string;
            throw new TableConflictException(table, row.PartitionKey, row.RowKey, current is null
                ? "the row does not exist."
                : $"its ETag changed since {ifMatchETag} was read (now {current}).");
        });
        return Task.FromResult(TableRows.Normalize(row, etag));
    }

    /// <inheritdoc />
    public Task<TableRow?> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        var sql = SqlName(table);
        TableValidation.ValidateKey(partitionKey, "partition key");
        TableValidation.ValidateKey(rowKey, "row key");
        TableRow? found = null;
        Run(table, () =>
        {
            using var connection = Open();
            using var command = Command(connection, $"SELECT pk, rk, props, etag FROM {sql} WHERE pk = $pk AND rk = $rk;", partitionKey, rowKey);
            using var reader = command.ExecuteReader();
            if (reader.Read()) found = ReadRow(reader);
        });
        return Task.FromResult(found);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<TableRow> QueryPartitionAsync(string table, string partitionKey, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sql = SqlName(table);
        TableValidation.ValidateKey(partitionKey, "partition key");
        using var connection = Open();
        using var command = Command(connection, $"SELECT pk, rk, props, etag FROM {sql} WHERE pk = $pk ORDER BY rk;", partitionKey, null);
        SqliteDataReader reader;
        try
        {
            reader = command.ExecuteReader();
        }
        catch (SqliteException e) when (IsMissingTable(e))
        {
            throw new TableNotFoundException(table);
        }
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                yield return ReadRow(reader);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        var sql = SqlName(table);
        TableValidation.ValidateKey(partitionKey, "partition key");
        TableValidation.ValidateKey(rowKey, "row key");
        var deleted = false;
        Run(table, () =>
        {
            using var connection = Open();
            using var command = Command(connection, $"DELETE FROM {sql} WHERE pk = $pk AND rk = $rk;", partitionKey, rowKey);
            deleted = command.ExecuteNonQuery() > 0;
        });
        return Task.FromResult(deleted);
    }

    /// <summary>Releases pooled connections to the file.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private static string SqlName(string table) => $"\"t_{TableValidation.ValidateTableName(table).ToLowerInvariant()}\"";

    private static string NewETag() => $"\"{Guid.NewGuid():N}\"";

    private static TableRow ReadRow(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), TypedJson.Read(reader.GetString(2)), reader.GetString(3));

    private static bool IsMissingTable(SqliteException e) =>
        e.SqliteErrorCode == 1 && e.Message.Contains("no such table", StringComparison.OrdinalIgnoreCase);

    private static void Run(string table, Action action)
    {
        try
        {
            action();
        }
        catch (SqliteException e) when (IsMissingTable(e))
        {
            throw new TableNotFoundException(table);
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, $"PRAGMA busy_timeout={BusyTimeoutMs}; PRAGMA synchronous=NORMAL;");
        return connection;
    }

    private static SqliteCommand Command(SqliteConnection connection, string text, string partitionKey, string? rowKey)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        command.Parameters.AddWithValue("$pk", partitionKey);
        if (rowKey is not null) command.Parameters.AddWithValue("$rk", rowKey);
        return command;
    }

    private static void Execute(SqliteConnection connection, string text)
    {
        using var command = connection.CreateCommand();
        command.CommandText = text;
        command.ExecuteNonQuery();
    }
}
