using HardSamples.Shared.Storage;
using HardSamples.Shared.Storage.Local;
using HardSamples.TestSupport;
using Microsoft.Data.Sqlite;

namespace HardSamples.Shared.Tests.Storage;

/// <summary>The table contract against a SQLite file, plus its file-level guarantees.</summary>
public sealed class SqliteTableStoreTests : TableStoreContract, IDisposable
{
    private readonly TempDirectory _temp = new("sqlite-store");
    private SqliteTableStore? _store;

    private string DatabaseFile => _temp.File("nested", "tables.db");

    protected override Task<ITableStore> CreateStoreAsync() => Task.FromResult<ITableStore>(_store = new SqliteTableStore(DatabaseFile));

    public void Dispose()
    {
        _store?.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task The_database_uses_wal_and_one_sql_table_per_logical_table()
    {
        await Store.EnsureTableAsync("Runs");
        await Store.InsertAsync("runs", new TableRow("p", "r", new Dictionary<string, object?> { ["V"] = 1 }));
        using var connection = new SqliteConnection($"Data Source={DatabaseFile}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar() as string);
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;";
        var tables = new List<string>();
        using (var reader = command.ExecuteReader())
            while (reader.Read()) tables.Add(reader.GetString(0));
        Assert.Contains("t_runs", tables);
        Assert.Contains("t_" + Table.ToLowerInvariant(), tables);
        command.CommandText = "SELECT props FROM t_runs;";
        Assert.Equal("{\"V\":[\"i\",1]}", command.ExecuteScalar() as string);
    }

    [Fact]
    public async Task A_second_store_on_the_same_file_sees_rows_and_etag_conflicts()
    {
        using var other = new SqliteTableStore(DatabaseFile);
        var v1 = await Store.InsertAsync(Table, new TableRow("p", "r", new Dictionary<string, object?> { ["V"] = 1 }));
        await other.UpdateAsync(Table, new TableRow("p", "r", new Dictionary<string, object?> { ["V"] = 2 }), v1.ETag!);
        await Assert.ThrowsAsync<TableConflictException>(() => Store.UpdateAsync(Table, new TableRow("p", "r", new Dictionary<string, object?> { ["V"] = 3 }), v1.ETag!));
        Assert.Equal(2, (await Store.GetAsync(Table, "p", "r"))!.Get<int>("V"));
    }

    [Fact]
    public async Task Non_finite_doubles_round_trip()
    {
        await Store.InsertAsync(Table, new TableRow("p", "r", new Dictionary<string, object?> { ["Nan"] = double.NaN, ["Inf"] = double.PositiveInfinity, ["NegInf"] = double.NegativeInfinity }));
        var row = await Store.GetAsync(Table, "p", "r");
        Assert.True(double.IsNaN(row!.Get<double>("Nan")));
        Assert.Equal(double.PositiveInfinity, row.Get<double>("Inf"));
        Assert.Equal(double.NegativeInfinity, row.Get<double>("NegInf"));
    }
}
