using System.Text;
using System.Text.Json;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Storage.Azure;

namespace HardSamples.Shared.Tests.Storage;

public sealed class TableBatchSplitterTests
{
    private static TableRow Row(string pk, string rk, params (string Name, object? Value)[] properties) =>
        new(pk, rk, properties.ToDictionary(p => p.Name, p => p.Value));

    [Fact]
    public void Rows_of_three_partitions_become_single_partition_batches_of_at_most_100()
    {
        var rng = new Random(3);
        var rows = new[] { ("p0", 120), ("p1", 100), ("p2", 30) }
            .SelectMany(p => Enumerable.Range(0, p.Item2).Select(i => Row(p.Item1, $"r{i:D4}", ("V", i))))
            .OrderBy(_ => rng.Next()).ToList();

        var batches = TableBatchSplitter.Split(rows);

        Assert.Equal(4, batches.Count); // p0: 100 + 20, p1: 100, p2: 30
        Assert.All(batches, b => Assert.Single(b.Select(r => r.PartitionKey).Distinct()));
        Assert.All(batches, b => Assert.InRange(b.Count, 1, 100));
        Assert.Equal(new[] { 120, 100, 30 }, batches.GroupBy(b => b[0].PartitionKey).OrderBy(g => g.Key).Select(g => g.Sum(b => b.Count)));
        foreach (var group in batches.SelectMany(b => b).GroupBy(r => r.PartitionKey))
            Assert.Equal(rows.Where(r => r.PartitionKey == group.Key), group);
    }

    [Fact]
    public void Large_rows_are_split_by_the_payload_limit_before_the_operation_limit()
    {
        var rows = Enumerable.Range(0, 100).Select(i => Row("wide", $"r{i:D3}", ("A", new string('a', 30_000)), ("B", new string('b', 30_000)), ("C", new string('c', 30_000)))).ToList();
        var batches = TableBatchSplitter.Split(rows);
        Assert.InRange(batches.Count, 3, 4);
        Assert.All(batches, b => Assert.True(TableBatchSplitter.BatchOverheadBytes + b.Sum(TableBatchSplitter.EstimateOperationBytes) <= TableBatchSplitter.MaxPayloadBytes));
        Assert.Equal(rows, batches.SelectMany(b => b));
    }

    [Fact]
    public void Non_ascii_text_counts_as_its_longest_escape()
    {
        var ascii = TableBatchSplitter.EstimateOperationBytes(Row("p", "r", ("S", new string('a', 1000))));
        var wide = TableBatchSplitter.EstimateOperationBytes(Row("p", "r", ("S", new string('é', 1000))));
        Assert.Equal(5000, wide - ascii);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_estimate_bounds_the_real_json_body_of_a_row(int seed)
    {
        var rng = new Random(seed);
        string Text(int n) => new(Enumerable.Range(0, n).Select(_ => (char)rng.Next(32, 0x3000)).Where(c => !char.IsSurrogate(c)).ToArray());
        var row = Row(Text(50).Replace("/", "").Replace("#", "").Replace("?", "").Replace("\\", ""), "rk" + seed,
            ("Text", Text(5000)), ("Int", rng.Next()), ("Long", rng.NextInt64()), ("Double", rng.NextDouble()),
            ("When", DateTimeOffset.UtcNow), ("Id", Guid.NewGuid()), ("Bytes", TestStreams.Bytes(3000, seed)), ("Flag", true));
        var body = new Dictionary<string, object?> { ["PartitionKey"] = row.PartitionKey, ["RowKey"] = row.RowKey };
        foreach (var (name, value) in row.Properties)
        {
            body[name] = value;
            body[name + "@odata.type"] = "Edm.DateTime";
        }
        var unescaped = Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(body, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        var escaped = Encoding.UTF8.GetByteCount(JsonSerializer.Serialize(body));
        var estimate = TableBatchSplitter.EstimateOperationBytes(row);
        Assert.True(estimate >= Math.Max(unescaped, escaped) + TableBatchSplitter.OperationOverheadBytes / 2, $"estimate {estimate}, JSON {unescaped}/{escaped}");
    }

    [Fact]
    public void A_repeated_row_key_starts_a_new_batch_so_the_last_value_wins()
    {
        var batches = TableBatchSplitter.Split([Row("p", "a", ("V", 1)), Row("p", "b", ("V", 1)), Row("p", "a", ("V", 2))]);
        Assert.Equal(2, batches.Count);
        Assert.Equal(["a", "b"], batches[0].Select(r => r.RowKey));
        Assert.Equal(2, batches[1].Single().Get<int>("V"));
    }

    [Fact]
    public void A_row_too_large_for_any_transaction_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => TableBatchSplitter.Split([Row("p", "r", ("S", new string('x', 10_000)))], maxPayloadBytes: 8_000));
        Assert.Contains("transaction limit", e.Message);
    }

    [Fact]
    public void Small_custom_limits_are_honoured()
    {
        var rows = Enumerable.Range(0, 25).Select(i => Row("p", $"r{i:D2}", ("V", i))).ToList();
        var batches = TableBatchSplitter.Split(rows, maxOperations: 10);
        Assert.Equal([10, 10, 5], batches.Select(b => b.Count));
        Assert.Empty(TableBatchSplitter.Split([]));
    }
}
