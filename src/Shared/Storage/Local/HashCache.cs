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

    /// <summary>The digest of the file, from the cache when valid, else computed (and cached).</summary>
    public async Task<string> GetOrComputeAsync(string relativePath, FileInfo file, CancellationToken cancellationToken)
    {
        var cached = TryRead(relativePath, file);
        if (cached is not null) return cached;
        string sha;
        await using (var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true))
        {
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
        file.Refresh();
        Write(relativePath, file, sha);
        return sha;
    }

    /// <summary>Records the digest of a file just written (best effort: a failure only costs a later re-hash).</summary>
    public void Write(string relativePath, FileInfo file, string sha)
    {
        try
        {
            var path = EntryPath(relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(new Entry(relativePath, file.Length, file.LastWriteTimeUtc.Ticks, sha)));
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
