using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace HardSamples.Shared.Storage.Local;

/// <summary>
/// Cache of SHA-256 digests under <c>.hsmeta/sha/</c>, one small JSON file per blob keyed by the SHA-256 of its
/// relative path. An entry counts only while the file's length and last-write time still match, so files copied in
/// or edited by hand are simply re-hashed. Losing the cache loses nothing but time.
/// </summary>
internal sealed class HashCache(string metaFolder)
{
    private readonly string _folder = Path.Join(metaFolder, "sha");

    /// <summary>
    /// Length, last-write time and digest of the file at <paramref name="path"/>: from the cache when it still matches,
    /// else hashed through one open handle (so the three describe the same file even if it is replaced meanwhile).
    /// </summary>
    public async Task<(long Length, DateTime LastWriteUtc, string Sha256)> DescribeAsync(string relativePath, string path, CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        var cached = TryRead(relativePath, file);
        if (cached is not null) return (file.Length, file.LastWriteTimeUtc, cached);
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        var lastWrite = File.GetLastWriteTimeUtc(handle);
        string sha;
        await using (var stream = new FileStream(handle, FileAccess.Read, 1 << 16, isAsync: true))
        {
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
        Write(relativePath, length, lastWrite, sha);
        return (length, lastWrite, sha);
    }

    /// <summary>Records the digest of a file just written (best effort: a failure only costs a later re-hash).</summary>
    public void Write(string relativePath, long length, DateTime lastWriteUtc, string sha)
    {
        try
        {
            var path = EntryPath(relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(new Entry(relativePath, length, lastWriteUtc.Ticks, sha)));
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Forgets a file's digest.</summary>
    public void Remove(string relativePath)
    {
        try
        {
            File.Delete(EntryPath(relativePath));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private string? TryRead(string relativePath, FileInfo file)
    {
        try
        {
            var entry = JsonSerializer.Deserialize<Entry>(File.ReadAllText(EntryPath(relativePath)));
            return entry is not null && entry.Path == relativePath && entry.Length == file.Length && entry.LastWriteTicks == file.LastWriteTimeUtc.Ticks
                ? entry.Sha256
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private string EntryPath(string relativePath)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(relativePath)));
        return Path.Join(_folder, key[..2], key + ".json");
    }

    private sealed record Entry(string Path, long Length, long LastWriteTicks, string Sha256);
}
