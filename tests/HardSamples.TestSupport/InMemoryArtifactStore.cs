using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using HardSamples.Shared.Storage;

namespace HardSamples.TestSupport;

/// <summary>A dictionary-backed <see cref="IArtifactStore"/> for tests (same name rules and conditional writes).</summary>
public sealed class InMemoryArtifactStore : IArtifactStore
{
    private readonly ConcurrentDictionary<string, (byte[] Bytes, ArtifactInfo Info)> blobs = new(StringComparer.Ordinal);
    private long version;

    /// <summary>Number of PutAsync calls so far.</summary>
    public int PutCount { get; private set; }

    public async Task<ArtifactInfo> PutAsync(string name, Stream content, ArtifactPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArtifactName.Validate(name);
        using var ms = new MemoryStream();
        await content.CopyToAsync(ms, cancellationToken);
        var bytes = ms.ToArray();
        lock (blobs)
        {
            var exists = blobs.TryGetValue(name, out var current);
            if (options?.WriteOnce == true && exists) throw new ArtifactConflictException(name, "already exists");
            if (options?.IfMatchETag is { } etag && (!exists || current.Info.ETag != etag)) throw new ArtifactConflictException(name, "ETag mismatch");
            var info = new ArtifactInfo(name, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), $"\"{++version}\"", DateTimeOffset.UtcNow);
            blobs[name] = (bytes, info);
            PutCount++;
            return info;
        }
    }

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default) =>
        blobs.TryGetValue(ArtifactName.Validate(name), out var blob)
            ? Task.FromResult<Stream>(new MemoryStream(blob.Bytes, writable: false))
            : throw new ArtifactNotFoundException(name);

    public Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(blobs.TryGetValue(ArtifactName.Validate(name), out var blob) ? blob.Info : null);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(blobs.ContainsKey(ArtifactName.Validate(name)));

    public async IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var info in blobs.Values.Select(b => b.Info).Where(i => i.Name.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(i => i.Name, StringComparer.Ordinal))
            yield return info;
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(blobs.TryRemove(ArtifactName.Validate(name), out _));

    /// <summary>The bytes of a blob.</summary>
    public byte[] Bytes(string name) => blobs.TryGetValue(name, out var b) ? b.Bytes : throw new ArtifactNotFoundException(name);

    /// <summary>Names under a prefix.</summary>
    public IReadOnlyList<string> Names(string prefix = "") =>
        blobs.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();

    /// <summary>Copies every blob under <paramref name="prefix"/> into <paramref name="target"/>.</summary>
    public void CopyTo(InMemoryArtifactStore target, string prefix = "")
    {
        foreach (var (name, blob) in blobs.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)))
            target.blobs[name] = blob;
    }
}
