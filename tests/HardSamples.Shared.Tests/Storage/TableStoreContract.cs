using HardSamples.Shared.Storage;

namespace HardSamples.Shared.Tests.Storage;

/// <summary>Behaviour every <see cref="ITableStore"/> adapter must show; subclasses supply a fresh store per test.</summary>
public abstract class TableStoreContract : IAsyncLifetime
{
    /// <summary>A table name unique to this test (stores may be shared between tests).</summary>
    protected string Table { get; } = "t" + Guid.NewGuid().ToString("N")[..20];

    protected ITableStore Store { get; private set; } = null!;

    protected abstract Task<ITableStore> CreateStoreAsync();

    protected virtual Task CleanupAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync();
        await Store.EnsureTableAsync(Table);
    }

    public Task DisposeAsync() => CleanupAsync();

    private static TableRow Row(string pk, string rk, params (string Name, object? Value)[] properties) =>
        new(pk, rk, properties.ToDictionary(p => p.Name, p => p.Value));

    [Fact]
    public async Task Ensure_table_is_idempotent()
    {
        await Store.EnsureTableAsync(Table);
        await Store.InsertAsync(Table, Row("p", "r", ("V", 1)));
        await Store.EnsureTableAsync(Table);
        Assert.NotNull(await Store.GetAsync(Table, "p", "r"));
    }

    [Fact]
    public async Task Every_supported_type_round_trips_exactly()
    {
        var when = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(2)).AddTicks(1234560);
        var id = Guid.NewGuid();
        var row = Row("typed", "row1",
            ("Text", "héllo \"world\" ✓"), ("Flag", true), ("Small", -42), ("Big", 9_007_199_254_740_993L),
            ("Real", 3.0), ("Fraction", 0.1), ("Negative", -1.5e-300), ("When", when), ("Id", id),
            ("Bytes", new byte[] { 0, 1, 2, 255 }), ("Empty", ""), ("Nothing", null));
        var inserted = await Store.InsertAsync(Table, row);
        Assert.False(string.IsNullOrEmpty(inserted.ETag));

        var read = await Store.GetAsync(Table, "typed", "row1");
        Assert.NotNull(read);
        Assert.Equal(inserted.ETag, read.ETag);
        Assert.Equal("héllo \"world\" ✓", Assert.IsType<string>(read.Properties["Text"]));
        Assert.True(Assert.IsType<bool>(read.Properties["Flag"]));
        Assert.Equal(-42, Assert.IsType<int>(read.Properties["Small"]));
        Assert.Equal(9_007_199_254_740_993L, Assert.IsType<long>(read.Properties["Big"]));
        Assert.Equal(3.0, Assert.IsType<double>(read.Properties["Real"]));
        Assert.Equal(0.1, Assert.IsType<double>(read.Properties["Fraction"]));
        Assert.Equal(-1.5e-300, Assert.IsType<double>(read.Properties["Negative"]));
        var readWhen = Assert.IsType<DateTimeOffset>(read.Properties["When"]);
        Assert.Equal(when.UtcDateTime, readWhen.UtcDateTime);
        Assert.Equal(TimeSpan.Zero, readWhen.Offset);
        Assert.Equal(id, Assert.IsType<Guid>(read.Properties["Id"]));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, Assert.IsType<byte[]>(read.Properties["Bytes"]));
        Assert.Equal("", Assert.IsType<string>(read.Properties["Empty"]));
        Assert.False(read.Properties.ContainsKey("Nothing"));
        Assert.Equal(11, read.Properties.Count);
        Assert.Equal(9_007_199_254_740_993L, read.Get<long>("Big"));
    }

    [Fact]
    public async Task Insert_of_an_existing_row_conflicts()
    {
        await Store.InsertAsync(Table, Row("p", "r", ("V", 1)));
        await Assert.ThrowsAsync<TableConflictException>(() => Store.InsertAsync(Table, Row("p", "r", ("V", 2))));
        Assert.Equal(1, (await Store.GetAsync(Table, "p", "r"))!.Get<int>("V"));
    }

    [Fact]
    public async Task Update_with_the_current_etag_replaces_the_row_and_changes_the_etag()
    {
        var v1 = await Store.InsertAsync(Table, Row("p", "r", ("V", 1), ("Gone", "x")));
        var v2 = await Store.UpdateAsync(Table, Row("p", "r", ("V", 2)), v1.ETag!);
        Assert.NotEqual(v1.ETag, v2.ETag);
        var read = await Store.GetAsync(Table, "p", "r");
        Assert.Equal(2, read!.Get<int>("V"));
        Assert.False(read.Properties.ContainsKey("Gone"));
        Assert.Equal(v2.ETag, read.ETag);
    }

    [Fact]
    public async Task Update_with_a_stale_etag_conflicts_and_keeps_the_newer_row()
    {
        var v1 = await Store.InsertAsync(Table, Row("p", "r", ("V", 1)));
        await Store.UpdateAsync(Table, Row("p", "r", ("V", 2)), v1.ETag!);
        await Assert.ThrowsAsync<TableConflictException>(() => Store.UpdateAsync(Table, Row("p", "r", ("V", 3)), v1.ETag!));
        Assert.Equal(2, (await Store.GetAsync(Table, "p", "r"))!.Get<int>("V"));
    }

    [Fact]
    public async Task Update_of_a_missing_row_conflicts()
    {
        var v1 = await Store.InsertAsync(Table, Row("p", "r", ("V", 1)));
        Assert.True(await Store.DeleteAsync(Table, "p", "r"));
        await Assert.ThrowsAsync<TableConflictException>(() => Store.UpdateAsync(Table, Row("p", "r", ("V", 3)), v1.ETag!));
        Assert.Null(await Store.GetAsync(Table, "p", "r"));
    }

    [Fact]
    public async Task Concurrent_updates_from_the_same_etag_let_exactly_one_win()
    {
        var v1 = await Store.InsertAsync(Table, Row("race", "r", ("Writer", -1)));
        var start = new TaskCompletionSource();
        var updates = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await Store.UpdateAsync(Table, Row("race", "r", ("Writer", i)), v1.ETag!);
                return i;
            }
            catch (TableConflictException)
            {
                return -1;
            }
        })).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(updates);
        var winner = Assert.Single(outcomes, o => o >= 0);
        Assert.Equal(winner, (await Store.GetAsync(Table, "race", "r"))!.Get<int>("Writer"));
    }

    [Fact]
    public async Task Point_get_of_a_missing_row_is_null_and_delete_reports_whether_it_existed()
    {
        Assert.Null(await Store.GetAsync(Table, "p", "missing"));
        Assert.False(await Store.DeleteAsync(Table, "p", "missing"));
        await Store.InsertAsync(Table, Row("p", "r", ("V", 1)));
        Assert.True(await Store.DeleteAsync(Table, "p", "r"));
        Assert.Null(await Store.GetAsync(Table, "p", "r"));
    }

    [Fact]
    public async Task Upsert_batch_of_250_rows_across_3_partitions_lands_completely_and_replaces_on_rerun()
    {
        var counts = new Dictionary<string, int> { ["p0"] = 120, ["p1"] = 100, ["p2"] = 30 };
        var shuffle = new Random(1);
        var rows = counts.SelectMany(kv => Enumerable.Range(0, kv.Value).Select(i => Row(kv.Key, $"s{i:D5}", ("Loss", i * 0.5), ("Label", i % 10), ("Old", "x"))))
            .OrderBy(_ => shuffle.Next()) // interleave partitions
            .ToList();
        Assert.Equal(250, rows.Count);
        await Store.UpsertBatchAsync(Table, rows);

        foreach (var (pk, count) in counts)
        {
            var read = await QueryAsync(pk);
            Assert.Equal(count, read.Count);
            Assert.Equal(Enumerable.Range(0, count).Select(i => $"s{i:D5}"), read.Select(r => r.RowKey));
            Assert.All(read, r => Assert.Equal(int.Parse(r.RowKey[1..]) * 0.5, r.Get<double>("Loss")));
        }

        var replaced = rows.Select(r => Row(r.PartitionKey, r.RowKey, ("Loss", -1.0))).ToList();
        await Store.UpsertBatchAsync(Table, replaced);
        var p1 = await QueryAsync("p1");
        Assert.All(p1, r => Assert.Equal(-1.0, r.Get<double>("Loss")));
        Assert.All(p1, r => Assert.False(r.Properties.ContainsKey("Old")));
    }

    [Fact]
    public async Task Upsert_batch_with_a_repeated_row_keeps_the_last_value()
    {
        await Store.UpsertBatchAsync(Table, [Row("p", "a", ("V", 1)), Row("p", "b", ("V", 1)), Row("p", "a", ("V", 2))]);
        Assert.Equal(2, (await Store.GetAsync(Table, "p", "a"))!.Get<int>("V"));
        Assert.Equal(2, (await QueryAsync("p")).Count);
    }

    [Fact]
    public async Task Oversize_batch_is_split_by_the_4_MiB_rule_and_lands_completely()
    {
        // 100 rows of ~90,000 characters each: ~9 MB in one partition, within the 100-operation limit,
        // so only the payload rule can split it (the emulator rejects request bodies over 4 MiB).
        var rows = Enumerable.Range(0, 100).Select(i => Row("wide", $"r{i:D3}",
            ("A", new string((char)('a' + i % 26), 30_000)), ("B", new string('b', 30_000)), ("C", new string('c', 30_000)), ("N", i))).ToList();
        await Store.UpsertBatchAsync(Table, rows);
        var read = await QueryAsync("wide");
        Assert.Equal(100, read.Count);
        Assert.All(read, r => Assert.Equal(new string((char)('a' + r.Get<int>("N") % 26), 30_000), r.Get<string>("A")));
    }

    [Fact]
    public async Task Partition_query_returns_only_that_partition_ordered_by_row_key()
    {
        string[] keys = ["m", "a", "z", "B", "a1", "0", "aa"];
        await Store.UpsertBatchAsync(Table, keys.Select(k => Row("q", k, ("K", k))).Append(Row("other", "b", ("K", "x"))).ToList());
        var read = await QueryAsync("q");
        Assert.Equal(keys.Order(StringComparer.Ordinal), read.Select(r => r.RowKey));
        Assert.All(read, r => Assert.Equal(r.RowKey, r.Get<string>("K")));
        Assert.Empty(await QueryAsync("none"));
    }

    [Fact]
    public async Task Parallel_writers_and_readers_do_not_lose_rows()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var round = 0; round < 5; round++)
            {
                await Store.UpsertBatchAsync(Table, Enumerable.Range(0, 10).Select(i => Row($"w{w}", $"r{round}-{i}", ("V", i))).ToList());
                await Store.InsertAsync(Table, Row($"w{w}", $"single{round}", ("V", round)));
                Assert.NotNull(await Store.GetAsync(Table, $"w{w}", $"r{round}-0"));
            }
        })));
        for (var w = 0; w < 8; w++) Assert.Equal(55, (await QueryAsync($"w{w}")).Count);
    }

    public static TheoryData<string, string> BadKeys => new()
    {
        { "a/b", "'/'" },
        { "a\\b", "'\\'" },
        { "a#b", "'#'" },
        { "a?b", "'?'" },
        { "ctl\u0001", "control character" },
        { "del\u007f", "control character" },
        { "c1\u0085", "control character" },
        { "tab\t", "control character" },
        { new string('k', 513), "limit is 512" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task Bad_keys_are_rejected_with_a_clear_error(string key, string expectedInMessage)
    {
        var errors = new List<ArgumentException>
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.InsertAsync(Table, Row(key, "r", ("V", 1)))),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.InsertAsync(Table, Row("p", key, ("V", 1)))),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.UpsertBatchAsync(Table, [Row("p", "ok", ("V", 1)), Row("p", key, ("V", 1))])),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetAsync(Table, "p", key)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(Table, key, "r")),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => QueryAsync(key)),
        };
        Assert.All(errors, e => Assert.Contains(expectedInMessage, e.Message));
        Assert.Null(await Store.GetAsync(Table, "p", "ok"));
    }

    [Fact]
    public async Task Longest_allowed_key_is_accepted()
    {
        var key = new string('k', 512);
        await Store.InsertAsync(Table, Row(key, key, ("V", 1)));
        Assert.NotNull(await Store.GetAsync(Table, key, key));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1abc")]
    [InlineData("a-bc")]
    [InlineData("tables")]
    [InlineData("")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcd")]
    public async Task Bad_table_names_are_rejected(string table)
    {
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.EnsureTableAsync(table));
        Assert.Contains("able", e.Message);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetAsync(table, "p", "r"));
    }

    [Fact]
    public async Task Bad_properties_are_rejected_before_anything_is_written()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.InsertAsync(Table, Row("p", "r", ("PartitionKey", "x"))));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.InsertAsync(Table, Row("p", "r", ("1bad", 1))));
        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.InsertAsync(Table, Row("p", "r", ("Money", 1.5m))));
        Assert.Contains("Decimal", e.Message);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.InsertAsync(Table, Row("p", "r", ("Long", new string('x', 32 * 1024 + 1)))));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.UpsertBatchAsync(Table, [Row("p", "r", ("V", 1)), Row("p", "s", ("V", new object()))]));
        Assert.Empty(await QueryAsync("p"));
    }

    [Fact]
    public async Task Operations_on_a_missing_table_say_so()
    {
        const string missing = "NeverCreatedTable";
        await Assert.ThrowsAsync<TableNotFoundException>(() => Store.GetAsync(missing, "p", "r"));
        await Assert.ThrowsAsync<TableNotFoundException>(() => Store.InsertAsync(missing, Row("p", "r", ("V", 1))));
        await Assert.ThrowsAsync<TableNotFoundException>(() => Store.UpdateAsync(missing, Row("p", "r", ("V", 1)), "*"));
        await Assert.ThrowsAsync<TableNotFoundException>(() => Store.UpsertBatchAsync(missing, [Row("p", "r", ("V", 1)), Row("p", "s", ("V", 1))]));
        await Assert.ThrowsAsync<TableNotFoundException>(() => Store.DeleteAsync(missing, "p", "r"));
        await Assert.ThrowsAsync<TableNotFoundException>(async () => await QueryAsync("p", missing));
    }

    protected async Task<List<TableRow>> QueryAsync(string partitionKey, string? table = null)
    {
        var rows = new List<TableRow>();
        await foreach (var row in Store.QueryPartitionAsync(table ?? Table, partitionKey)) rows.Add(row);
        return rows;
    }
}
