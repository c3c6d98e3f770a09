using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using HardSamples.Shared.Storage;

namespace HardSamples.TestSupport;

/// <summary>An in-memory <see cref="IArtifactStore"/> for unit tests (same name validation and conflict rules as the adapters).</summary>
public sealed class DictionaryArtifactStore : IArtifactStore
{
    private readonly ConcurrentDictionary<string, (byte[] Bytes, ArtifactInfo Info)> _blobs = new(StringComparer.Ordinal);

    /// <summary>Names of every stored blob, sorted.</summary>
    public IReadOnlyList<string> Names => _blobs.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Number of successful writes so far.</summary>
    public int WriteCount { get; private set; }

    /// <summary>Stores bytes directly (test set-up).</summary>
    public void Put(string name, byte[] bytes) => PutAsync(name, new MemoryStream(bytes)).GetAwaiter().GetResult();

    /// <summary>Stores UTF-8 text directly (test set-up).</summary>
    public void PutText(string name, string text) => Put(name, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>The bytes of a blob.</summary>
    public byte[] Get(string name) => _blobs.TryGetValue(name, out var b) ? b.Bytes : throw new ArtifactNotFoundException(name);

    /// <inheritdoc />
    public async Task<ArtifactInfo> PutAsync(string name, Stream content, ArtifactPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArtifactName.Validate(name);
        using var ms = new MemoryStream();
        await content.CopyToAsync(ms, cancellationToken);
        var bytes = ms.ToArray();
        lock (_blobs)
        {
            var exists = _blobs.TryGetValue(name, out var old);
            if (options?.WriteOnce == true && exists) throw new ArtifactConflictException(name, "already exists.");
            if (options?.IfMatchETag is { } tag && (!exists || old.Info.ETag != tag)) throw new ArtifactConflictException(name, "ETag changed.");
            var info = new ArtifactInfo(name, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow);
            _blobs[name] = (bytes, info);
            WriteCount++;
            return info;
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default) =>
        _blobs.TryGetValue(ArtifactName.Validate(name), out var b) ? Task.FromResult<Stream>(new MemoryStream(b.Bytes, writable: false)) : throw new ArtifactNotFoundException(name);

    /// <inheritdoc />
    public Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_blobs.TryGetValue(ArtifactName.Validate(name), out var b) ? b.Info : null);

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(_blobs.ContainsKey(ArtifactName.Validate(name)));

    /// <inheritdoc />
    public async IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var key in _blobs.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            if (_blobs.TryGetValue(key, out var b)) yield return b.Info;
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(_blobs.TryRemove(ArtifactName.Validate(name), out _));
}
