using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using HardSamples.Shared.Storage;

namespace HardSamples.Workflow.Tests.Fakes;

/// <summary>An artifact store in memory (tests only).</summary>
public sealed class InMemoryArtifactStore : IArtifactStore
{
    private readonly ConcurrentDictionary<string, (byte[] Bytes, ArtifactInfo Info)> _blobs = new(StringComparer.Ordinal);
    private long _version;

    public int Puts => (int)Interlocked.Read(ref _puts);
    private long _puts;

    public Task<ArtifactInfo> PutAsync(string name, Stream content, ArtifactPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArtifactName.Validate(name);
        using var ms = new MemoryStream();
        content.CopyTo(ms);
        var bytes = ms.ToArray();
        lock (_blobs)
        {
            var exists = _blobs.TryGetValue(name, out var current);
            if (options?.WriteOnce == true && exists) throw new ArtifactConflictException(name, "exists");
            if (options?.IfMatchETag is { } etag && (!exists || current.Info.ETag != etag)) throw new ArtifactConflictException(name, "etag changed");
            var info = new ArtifactInfo(name, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), $"\"{Interlocked.Increment(ref _version)}\"", DateTimeOffset.UtcNow);
            _blobs[name] = (bytes, info);
            Interlocked.Increment(ref _puts);
            return Task.FromResult(info);
        }
    }

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
        => _blobs.TryGetValue(name, out var b) ? Task.FromResult<Stream>(new MemoryStream(b.Bytes, writable: false)) : throw new ArtifactNotFoundException(name);

    public Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default)
        => Task.FromResult(_blobs.TryGetValue(name, out var b) ? b.Info : null);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(_blobs.ContainsKey(name));

    public async IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var key in _blobs.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList())
        {
            if (_blobs.TryGetValue(key, out var b)) yield return b.Info;
        }
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(_blobs.TryRemove(name, out _));
}
