using HardSamples.Shared.Storage;
using HardSamples.Shared.Storage.Local;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Storage;

/// <summary>The artifact contract against a folder, plus what only a folder can show (layout, links, file locks).</summary>
public sealed class LocalArtifactStoreTests : ArtifactStoreContract, IDisposable
{
    private readonly TempDirectory _temp = new("local-store");

    private string Root => Path.Join(_temp.Path, "root");

    protected override Task<IArtifactStore> CreateStoreAsync() => Task.FromResult<IArtifactStore>(new LocalArtifactStore(Root));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Blobs_are_plain_files_under_the_root_with_the_same_relative_names()
    {
        var data = "a,b\n1,2\n"u8.ToArray();
        await PutAsync("runs/r1/results/metrics.csv", data);
        Assert.Equal(data, File.ReadAllBytes(Path.Join(Root, "runs", "r1", "results", "metrics.csv")));
        Assert.Equal(["metrics.csv"], Directory.GetFiles(Path.Join(Root, "runs", "r1", "results")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Hidden_metadata_is_never_listed_nor_addressable()
    {
        await PutAsync("x.bin", [1]);
        Assert.True(Directory.Exists(Path.Join(Root, ".hsmeta")));
        Assert.Equal(["x.bin"], (await ListAsync("")).Select(i => i.Name));
        Assert.Empty(await ListAsync(".hs"));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(".hsmeta/lock"));
        Assert.Contains("reserved", e.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => PutAsync("a/.hstmp-123", [1]));
    }

    [Fact]
    public async Task Files_copied_in_by_hand_are_listed_and_hashed_and_rehashed_after_edits()
    {
        Directory.CreateDirectory(Path.Join(Root, "manual"));
        var path = Path.Join(Root, "manual", "data.bin");
        File.WriteAllBytes(path, TestStreams.Bytes(5000, 1));
        var listed = Assert.Single(await ListAsync("manual/"));
        Assert.Equal(TestStreams.Sha256Hex(TestStreams.Bytes(5000, 1)), listed.Sha256);

        File.WriteAllBytes(path, TestStreams.Bytes(6000, 2));
        var info = await Store.GetInfoAsync("manual/data.bin");
        Assert.Equal(TestStreams.Sha256Hex(TestStreams.Bytes(6000, 2)), info!.Sha256);
        Assert.NotEqual(listed.ETag, info.ETag);
    }

    [Fact]
    public async Task Symbolic_links_that_leave_the_root_are_refused_and_not_listed()
    {
        Directory.CreateDirectory(Root);
        var outside = Path.Join(_temp.Path, "outside");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Join(outside, "secret.txt"), "secret");
        Directory.CreateSymbolicLink(Path.Join(Root, "escape"), outside);
        File.CreateSymbolicLink(Path.Join(Root, "file-escape.txt"), Path.Join(outside, "secret.txt"));
        Directory.CreateSymbolicLink(Path.Join(Root, "relative-escape"), "../outside");

        foreach (var name in new[] { "escape/secret.txt", "file-escape.txt", "relative-escape/secret.txt", "escape/new.txt" })
        {
            var e = await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(name));
            Assert.Contains("outside the store root", e.Message);
            await Assert.ThrowsAsync<ArgumentException>(() => PutAsync(name, [1]));
            await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(name));
        }
        Assert.Empty(await ListAsync(""));
        await Assert.ThrowsAsync<ArgumentException>(() => ListAsync("escape/"));
        Assert.Equal("secret", File.ReadAllText(Path.Join(outside, "secret.txt")));
        Assert.Single(Directory.GetFiles(outside));
    }

    [Fact]
    public async Task Symbolic_links_inside_the_root_are_followed_and_cycles_do_not_hang_listing()
    {
        await PutAsync("real/a.txt", [1, 2]);
        Directory.CreateSymbolicLink(Path.Join(Root, "alias"), "real");
        Directory.CreateSymbolicLink(Path.Join(Root, "real", "loop"), Path.Join(Root, "real"));
        Directory.CreateSymbolicLink(Path.Join(Root, "real", "up"), "..");

        Assert.Equal([1, 2], await ReadAsync("alias/a.txt"));
        var names = (await ListAsync("")).Select(i => i.Name).ToList();
        Assert.Contains("alias/a.txt", names);
        Assert.Contains("real/a.txt", names);
        Assert.Equal(2, names.Count);
    }

    [Fact]
    public async Task A_second_store_on_the_same_root_sees_conflicts_too()
    {
        var other = new LocalArtifactStore(Root);
        var v1 = await PutAsync("shared/state.json", [1]);
        await other.PutAsync("shared/state.json", new MemoryStream([2]), new ArtifactPutOptions(IfMatchETag: v1.ETag));
        await Assert.ThrowsAsync<ArtifactConflictException>(() => PutAsync("shared/state.json", [3], new ArtifactPutOptions(IfMatchETag: v1.ETag)));
        await Assert.ThrowsAsync<ArtifactConflictException>(() => other.PutAsync("shared/state.json", new MemoryStream([4]), new ArtifactPutOptions(WriteOnce: true)));
        Assert.Equal([2], await ReadAsync("shared/state.json"));
    }

    [Fact]
    public async Task Writes_wait_for_the_lock_file_held_by_another_process()
    {
        await PutAsync("locked.bin", [1]);
        // An exclusive open is what another process's store holds during its check-and-rename.
        var held = new FileStream(Path.Join(Root, ".hsmeta", "lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        var write = PutAsync("locked.bin", [2]);
        await Task.Delay(300);
        Assert.False(write.IsCompleted);
        Assert.Equal([1], await ReadAsync("locked.bin"));
        await held.DisposeAsync();
        await write.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([2], await ReadAsync("locked.bin"));
    }

    [Fact]
    public async Task A_blob_cannot_share_its_name_with_a_folder()
    {
        await PutAsync("node/child.txt", [1]);
        var e = await Assert.ThrowsAsync<IOException>(() => PutAsync("node", [2]));
        Assert.Contains("folder", e.Message);
        await PutAsync("leaf", [1]);
        await Assert.ThrowsAnyAsync<IOException>(() => PutAsync("leaf/child.txt", [2]));
    }

    [Fact]
    public async Task No_temporary_files_remain_after_writes_and_failures()
    {
        await PutAsync("t/a.bin", TestStreams.Bytes(2_000_000, 1));
        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync("t/b.bin", new TrickleStream(TestStreams.Bytes(2_000_000, 2), failAfter: 1_000_000)));
        await Assert.ThrowsAsync<ArtifactConflictException>(() => PutAsync("t/a.bin", [1], new ArtifactPutOptions(WriteOnce: true)));
        Assert.Equal(["a.bin"], Directory.GetFiles(Path.Join(Root, "t")).Select(Path.GetFileName));
    }
}
