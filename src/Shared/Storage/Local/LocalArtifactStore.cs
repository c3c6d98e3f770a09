using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace HardSamples.Shared.Storage.Local;

/// <summary>
/// <see cref="IArtifactStore"/> over a folder: blob <c>a/b/c.csv</c> is the plain file <c>{root}/a/b/c.csv</c>, so results
/// open directly in other tools. Layout and guarantees:
/// <list type="bullet">
/// <item>A write streams to a hidden temporary file in the destination folder (SHA-256 computed on the way), is flushed
/// to disk, then renamed over the final name: readers see the old or the new content, never a partial file.</item>
/// <item>The ETag is the quoted SHA-256 of the content: it changes whenever the content does (writing identical bytes
/// keeps it). Digests are cached in <c>{root}/.hsmeta/sha/</c>; the cache is never listed and can be deleted.</item>
/// <item>Write-once and If-Match checks and the rename happen under a root-wide lock (<c>.hsmeta/lock</c>, exclusive
/// across threads and processes), so of two racing conditional writers exactly one wins and the other gets
/// <see cref="ArtifactConflictException"/>.</item>
/// <item>Symbolic links inside the root are followed only while their real target stays inside the root.</item>
/// <item>Unlike Azure, a name cannot be both a blob and a folder (<c>a</c> and <c>a/b</c>); that write fails with IOException.</item>
/// </list>
/// </summary>
public sealed class LocalArtifactStore : IArtifactStore
{
    private const int BufferSize = 1 << 20;
    private readonly LocalPaths _paths;
    private readonly StoreLock _lock;
    private readonly HashCache _hashes;

    /// <summary>Opens (creating when missing) the store rooted at <paramref name="rootFolder"/>.</summary>
    public LocalArtifactStore(string rootFolder)
    {
        _paths = new LocalPaths(rootFolder);
        _lock = new StoreLock(Path.Join(_paths.MetaFolder, "lock"));
        _hashes = new HashCache(_paths.MetaFolder);
    }

    /// <summary>The real, absolute root folder.</summary>
    public string RootFolder => _paths.Root;

    /// <summary>The file that holds blob <paramref name="name"/> (validated; may not exist).</summary>
    public string PathOf(string name) => _paths.Resolve(name);

    /// <inheritdoc />
    public async Task<ArtifactInfo> PutAsync(string name, Stream content, ArtifactPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= new ArtifactPutOptions();
        if (options.WriteOnce && options.IfMatchETag is not null)
            throw new ArgumentException("WriteOnce and IfMatchETag cannot be combined.", nameof(options));
        var path = _paths.Resolve(name);
        if (Directory.Exists(path))
            throw new IOException($"Artifact '{name}' cannot be written: '{path}' is a folder (a local blob cannot share its name with a folder).");
        var folder = Path.GetDirectoryName(path)!;
        CreateFolder(name, folder);
        var temp = Path.Join(folder, LocalPaths.TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            var sha = await WriteTempAsync(temp, content, cancellationToken).ConfigureAwait(false);
            using (await _lock.AcquireAsync(cancellationToken).ConfigureAwait(false))
            {
                await CheckConditionsAsync(name, path, options, cancellationToken).ConfigureAwait(false);
                var relative = _paths.Relative(path);
                _hashes.Remove(relative);
                try
                {
                    File.Move(temp, path, overwrite: !options.WriteOnce);
                }
                catch (IOException e) when (options.WriteOnce && File.Exists(path))
                {
                    throw new ArtifactConflictException(name, $"it already exists and the write was write-once ({e.Message}).");
                }
                var file = new FileInfo(path);
                _hashes.Write(relative, file.Length, file.LastWriteTimeUtc, sha);
                return new ArtifactInfo(name, file.Length, sha, ETagOf(sha), file.LastWriteTimeUtc);
            }
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = _paths.Resolve(name);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, BufferSize, useAsync: true);
            return Task.FromResult(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException || (e is UnauthorizedAccessException && Directory.Exists(path)))
        {
            throw new ArtifactNotFoundException(name);
        }
    }

    /// <inheritdoc />
    public async Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default)
    {
        return await TryDescribeAsync(name, _paths.Resolve(name), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(_paths.Resolve(name)));

    /// <inheritdoc />
    public async IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArtifactName.ValidatePrefix(prefix);
        var slash = prefix.LastIndexOf('/');
        var logicalFolder = slash < 0 ? "" : prefix[..slash];
        var start = _paths.ResolveFolder(logicalFolder);
        if (start is null) yield break;
        var found = new List<(string Name, string Path)>();
        Walk(start, logicalFolder, prefix, new HashSet<string>(StringComparer.Ordinal) { start }, found);
        found.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var (name, path) in found)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = await TryDescribeAsync(name, path, cancellationToken).ConfigureAwait(false);
            if (info is not null) yield return info;
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = _paths.Resolve(name);
        using (await _lock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!File.Exists(path)) return false;
            _hashes.Remove(_paths.Relative(path));
            File.Delete(path);
            return true;
        }
    }

    private static string ETagOf(string sha) => $"\"{sha}\"";

    private async Task CheckConditionsAsync(string name, string path, ArtifactPutOptions options, CancellationToken cancellationToken)
    {
        if (options.WriteOnce && File.Exists(path))
            throw new ArtifactConflictException(name, "it already exists and the write was write-once.");
        if (options.IfMatchETag is null) return;
        if (!File.Exists(path))
            throw new ArtifactConflictException(name, $"it does not exist, so it cannot match ETag {options.IfMatchETag}.");
        var current = await DescribeAsync(name, path, cancellationToken).ConfigureAwait(false);
        if (current.ETag != options.IfMatchETag)
            throw new ArtifactConflictException(name, $"it changed since ETag {options.IfMatchETag} was read (now {current.ETag}).");
    }

    /// <summary>The blob's info, or null when the file does not exist (or vanished while being described).</summary>
    private async Task<ArtifactInfo?> TryDescribeAsync(string name, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return null;
        try
        {
            return await DescribeAsync(name, path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private async Task<ArtifactInfo> DescribeAsync(string name, string path, CancellationToken cancellationToken)
    {
        var (length, lastWrite, sha) = await _hashes.DescribeAsync(_paths.Relative(path), path, cancellationToken).ConfigureAwait(false);
        return new ArtifactInfo(name, length, sha, ETagOf(sha), lastWrite);
    }

    private static async Task<string> WriteTempAsync(string temp, Stream content, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true);
            int read;
            while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
            output.Flush(flushToDisk: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private void Walk(string folder, string logicalFolder, string prefix, HashSet<string> visited, List<(string Name, string Path)> found)
    {
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = new DirectoryInfo(folder).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true });
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }
        foreach (var entry in entries)
        {
            var name = logicalFolder.Length == 0 ? entry.Name : logicalFolder + "/" + entry.Name;
            if (!name.StartsWith(prefix, StringComparison.Ordinal) && !prefix.StartsWith(name + "/", StringComparison.Ordinal)) continue;
            var real = entry.LinkTarget is null ? entry.FullName : LocalPaths.RealPath(entry.FullName);
            if (!_paths.IsAddressable(real)) continue;
            if (Directory.Exists(real))
            {
                // Only the folders on the current path count as visited: that stops link cycles but still lists
                // every alias a link inside the root creates.
                if (!visited.Add(real)) continue;
                Walk(real, name, prefix, visited, found);
                visited.Remove(real);
            }
            else if (File.Exists(real) && name.StartsWith(prefix, StringComparison.Ordinal) && IsValidName(name))
            {
                found.Add((name, real));
            }
        }
    }

    private static bool IsValidName(string name)
    {
        try
        {
            ArtifactName.Validate(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void CreateFolder(string name, string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (IOException e)
        {
            throw new IOException($"Artifact '{name}' cannot be written: a part of its folder '{folder}' is a file ({e.Message}).", e);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
