using System.Text;
using HardSamples.Shared.Storage;

namespace HardSamples.Shared.Tests.Storage;

/// <summary>
/// Behaviour every <see cref="IArtifactStore"/> adapter must show. Each concrete subclass supplies a fresh, empty store
/// per test; the tests below then run unchanged against it.
/// </summary>
public abstract class ArtifactStoreContract : IAsyncLifetime
{
    protected IArtifactStore Store { get; private set; } = null!;

    /// <summary>A new, empty store.</summary>
    protected abstract Task<IArtifactStore> CreateStoreAsync();

    protected virtual Task CleanupAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public Task DisposeAsync() => CleanupAsync();

    protected Task<ArtifactInfo> PutAsync(string name, byte[] data, ArtifactPutOptions? options = null) =>
        Store.PutAsync(name, new MemoryStream(data, writable: false), options);

    protected async Task<byte[]> ReadAsync(string name) => await TestStreams.ReadAllAsync(await Store.OpenReadAsync(name));

    [Fact]
    public async Task Put_then_read_returns_the_bytes_and_consistent_info()
    {
        var data = Encoding.UTF8.GetBytes("sample,loss\n0,0.25\n1,0.75\n");
        var put = await PutAsync("r1/results/metrics.csv", data, new ArtifactPutOptions(ContentType: "text/csv"));

        Assert.Equal("r1/results/metrics.csv", put.Name);
        Assert.Equal(data.Length, put.Length);
        Assert.Equal(TestStreams.Sha256Hex(data), put.Sha256);
        Assert.False(string.IsNullOrWhiteSpace(put.ETag));
        Assert.True(put.LastModified > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal(data, await ReadAsync("r1/results/metrics.csv"));

        var info = await Store.GetInfoAsync("r1/results/metrics.csv");
        Assert.NotNull(info);
        Assert.Equal(put.Sha256, info.Sha256);
        Assert.Equal(put.ETag, info.ETag);
        Assert.Equal(put.Length, info.Length);
        Assert.True(await Store.ExistsAsync("r1/results/metrics.csv"));
    }

    [Fact]
    public async Task Missing_blob_is_reported_as_missing_everywhere()
    {
        Assert.False(await Store.ExistsAsync("nope/missing.bin"));
        Assert.Null(await Store.GetInfoAsync("nope/missing.bin"));
        var e = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.OpenReadAsync("nope/missing.bin"));
        Assert.Equal("nope/missing.bin", e.Name);
        Assert.False(await Store.DeleteAsync("nope/missing.bin"));
    }

    [Fact]
    public async Task Folder_prefix_is_not_a_blob()
    {
        await PutAsync("dir/inner.txt", [1]);
        Assert.False(await Store.ExistsAsync("dir"));
        Assert.Null(await Store.GetInfoAsync("dir"));
        await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.OpenReadAsync("dir"));
    }

    [Fact]
    public async Task Delete_removes_the_blob_once()
    {
        await PutAsync("a/b.bin", [1, 2, 3]);
        Assert.True(await Store.DeleteAsync("a/b.bin"));
        Assert.False(await Store.ExistsAsync("a/b.bin"));
        Assert.False(await Store.DeleteAsync("a/b.bin"));
        Assert.Empty(await ListAsync(""));
    }

    [Fact]
    public async Task List_returns_prefix_matches_in_ordinal_name_order_with_their_info()
    {
        string[] names = ["a/x", "b/y", "a/b/c", "ab/z", "a/b2", "A/upper", "a/b/a"];
        foreach (var (name, i) in names.Select((n, i) => (n, i))) await PutAsync(name, TestStreams.Bytes(10 + i, i));

        Assert.Equal(["a/b/a", "a/b/c", "a/b2", "a/x"], (await ListAsync("a/")).Select(i => i.Name));
        Assert.Equal(["a/b/a", "a/b/c", "a/b2", "a/x", "ab/z"], (await ListAsync("a")).Select(i => i.Name));
        Assert.Equal(["a/b/a", "a/b/c", "a/b2"], (await ListAsync("a/b")).Select(i => i.Name));
        Assert.Equal(names.Order(StringComparer.Ordinal), (await ListAsync("")).Select(i => i.Name));
        Assert.Empty(await ListAsync("zzz/"));
        Assert.Empty(await ListAsync("a/x/"));

        var listed = (await ListAsync("ab/")).Single();
        var expected = TestStreams.Bytes(10 + 3, 3);
        Assert.Equal(expected.Length, listed.Length);
        Assert.Equal(TestStreams.Sha256Hex(expected), listed.Sha256);
        Assert.Equal((await Store.GetInfoAsync("ab/z"))!.ETag, listed.ETag);
    }

    [Fact]
    public async Task Overwrite_replaces_content_hash_and_etag()
    {
        var first = await PutAsync("over/write.bin", TestStreams.Bytes(100, 1));
        var second = await PutAsync("over/write.bin", TestStreams.Bytes(200, 2));
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(TestStreams.Sha256Hex(TestStreams.Bytes(200, 2)), second.Sha256);
        Assert.Equal(TestStreams.Bytes(200, 2), await ReadAsync("over/write.bin"));
    }

    [Fact]
    public async Task Multi_megabyte_blob_streams_in_and_out_with_its_sha256()
    {
        var data = TestStreams.Bytes(9 * 1024 * 1024 + 12_345, 7);
        var put = await Store.PutAsync("big/blob.bin", new TrickleStream(data));
        Assert.Equal(data.Length, put.Length);
        Assert.Equal(TestStreams.Sha256Hex(data), put.Sha256);

        await using var read = await Store.OpenReadAsync("big/blob.bin");
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[100_000];
        long total = 0;
        int n;
        while ((n = await read.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            total += n;
        }
        Assert.Equal(data.Length, total);
        Assert.Equal(put.Sha256, Convert.ToHexStringLower(hash.GetHashAndReset()));
        Assert.Equal(put.Sha256, (await Store.GetInfoAsync("big/blob.bin"))!.Sha256);
    }

    [Fact]
    public async Task Empty_blob_has_the_sha256_of_no_bytes()
    {
        var put = await PutAsync("empty.bin", []);
        Assert.Equal(0, put.Length);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", put.Sha256);
        Assert.Empty(await ReadAsync("empty.bin"));
    }

    [Fact]
    public async Task Failed_source_stream_leaves_no_blob_visible()
    {
        var data = TestStreams.Bytes(6 * 1024 * 1024, 3);
        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync("partial/blob.bin", new TrickleStream(data, failAfter: 5 * 1024 * 1024)));
        Assert.False(await Store.ExistsAsync("partial/blob.bin"));
        Assert.Empty(await ListAsync(""));

        await PutAsync("partial/blob.bin", [9]);
        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync("partial/blob.bin", new TrickleStream(data, failAfter: 1000)));
        Assert.Equal([9], await ReadAsync("partial/blob.bin"));
    }

    [Fact]
    public async Task Write_once_conflicts_when_the_blob_exists()
    {
        var first = await PutAsync("once/result.json", [1], new ArtifactPutOptions(WriteOnce: true));
        Assert.Equal(1, first.Length);
        var e = await Assert.ThrowsAsync<ArtifactConflictException>(() => PutAsync("once/result.json", [2], new ArtifactPutOptions(WriteOnce: true)));
        Assert.Equal("once/result.json", e.Name);
        Assert.Equal([1], await ReadAsync("once/result.json"));
    }

    [Fact]
    public async Task Write_once_race_has_exactly_one_winner()
    {
        const int writers = 6;
        var start = new TaskCompletionSource();
        var attempts = Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                await PutAsync("race/once.bin", TestStreams.Bytes(300_000, 100 + i), new ArtifactPutOptions(WriteOnce: true));
                return i;
            }
            catch (ArtifactConflictException)
            {
                return -1;
            }
        })).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(attempts);
        var winner = Assert.Single(outcomes, o => o >= 0);
        Assert.Equal(TestStreams.Bytes(300_000, 100 + winner), await ReadAsync("race/once.bin"));
    }

    [Fact]
    public async Task If_match_writes_only_over_the_version_read()
    {
        var v1 = await PutAsync("cas/state.json", [1]);
        var v2 = await PutAsync("cas/state.json", [2], new ArtifactPutOptions(IfMatchETag: v1.ETag));
        Assert.NotEqual(v1.ETag, v2.ETag);
        var e = await Assert.ThrowsAsync<ArtifactConflictException>(() => PutAsync("cas/state.json", [3], new ArtifactPutOptions(IfMatchETag: v1.ETag)));
        Assert.Equal("cas/state.json", e.Name);
        Assert.Equal([2], await ReadAsync("cas/state.json"));
    }

    [Fact]
    public async Task If_match_on_a_missing_blob_conflicts()
    {
        var v1 = await PutAsync("cas/gone.json", [1]);
        await Store.DeleteAsync("cas/gone.json");
        await Assert.ThrowsAsync<ArtifactConflictException>(() => PutAsync("cas/gone.json", [2], new ArtifactPutOptions(IfMatchETag: v1.ETag)));
        Assert.False(await Store.ExistsAsync("cas/gone.json"));
    }

    [Fact]
    public async Task If_match_race_between_two_writers_lets_one_win_and_keeps_its_content()
    {
        for (var round = 0; round < 4; round++)
        {
            var name = $"cas/race{round}.bin";
            var baseline = await PutAsync(name, TestStreams.Bytes(1000, round));
            var contents = new[] { TestStreams.Bytes(500_000, 1000 + round), TestStreams.Bytes(500_000, 2000 + round) };
            var start = new TaskCompletionSource();
            var writers = contents.Select((content, i) => Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    await PutAsync(name, content, new ArtifactPutOptions(IfMatchETag: baseline.ETag));
                    return (Writer: i, Conflict: false);
                }
                catch (ArtifactConflictException)
                {
                    return (Writer: i, Conflict: true);
                }
            })).ToArray();
            start.SetResult();
            var outcomes = await Task.WhenAll(writers);
            Assert.Equal(1, outcomes.Count(o => o.Conflict));
            var winner = outcomes.Single(o => !o.Conflict).Writer;
            Assert.Equal(contents[winner], await ReadAsync(name));
        }
    }

    [Fact]
    public async Task Info_stays_consistent_with_content_under_concurrent_writes_and_reads()
    {
        const string name = "busy/blob.bin";
        await PutAsync(name, [0]);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++) await PutAsync(name, TestStreams.Bytes(20_000 + w * 1000 + i, w * 100 + i));
        })).ToArray();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var info = await Store.GetInfoAsync(name);
                Assert.NotNull(info);
                await ListAsync("busy/");
            }
        })).ToArray();
        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        var final = await Store.GetInfoAsync(name);
        var bytes = await ReadAsync(name);
        Assert.Equal(TestStreams.Sha256Hex(bytes), final!.Sha256);
        Assert.Equal(bytes.Length, final.Length);
        Assert.Equal(final.Sha256, Assert.Single(await ListAsync("busy/")).Sha256);
    }

    [Fact]
    public async Task Write_once_and_if_match_together_are_rejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => PutAsync("x.bin", [1], new ArtifactPutOptions(WriteOnce: true, IfMatchETag: "\"e\"")));
    }

    public static TheoryData<string, string> BadNames => new()
    {
        { "..", "'..'" },
        { "a/../b", "'..'" },
        { "../outside.txt", "'..'" },
        { "a/./b", "'.'" },
        { "/etc/passwd", "absolute" },
        { "/abs", "absolute" },
        { "C:/windows/x", "absolute" },
        { "a\\b", "backslash" },
        { "a\u0001b", "control character" },
        { "line\nbreak", "control character" },
        { "tab\there", "control character" },
        { "del\u007fete", "control character" },
        { new string('n', 1025), "limit is 1024" },
        { string.Join('/', Enumerable.Repeat(new string('s', 200), 6)), "limit is 1024" },
        { new string('s', 256), "limit is 255" },
        { "a//b", "empty path segment" },
        { "trailing/", "empty path segment" },
        { "dot./x", "ending in '.'" },
        { "", "empty" },
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task Bad_names_are_rejected_by_every_operation_with_a_clear_error(string name, string expectedInMessage)
    {
        var errors = new List<ArgumentException>
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(() => PutAsync(name, [1])),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.OpenReadAsync(name)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.GetInfoAsync(name)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.ExistsAsync(name)),
            await Assert.ThrowsAnyAsync<ArgumentException>(() => Store.DeleteAsync(name)),
        };
        Assert.All(errors, e => Assert.Contains(expectedInMessage, e.Message, StringComparison.OrdinalIgnoreCase));
        Assert.Empty(await ListAsync(""));
    }

    [Theory]
    [InlineData("../")]
    [InlineData("/")]
    [InlineData("a/../")]
    [InlineData("a//")]
    [InlineData("a\u0000")]
    public async Task Bad_list_prefixes_are_rejected(string prefix)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => ListAsync(prefix));
    }

    protected async Task<List<ArtifactInfo>> ListAsync(string prefix)
    {
        var result = new List<ArtifactInfo>();
        await foreach (var item in Store.ListAsync(prefix)) result.Add(item);
        return result;
    }
}
