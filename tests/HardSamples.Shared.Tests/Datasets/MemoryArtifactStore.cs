using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using HardSamples.Shared.Storage;

namespace HardSamples.Shared.Tests.Datasets;

/// <summary>Test double: an in-memory <see cref="IArtifactStore"/> that can fail after a number of writes.</summary>
internal sealed class MemoryArtifactStore : IArtifactStore
{
    private readonly Dictionary<string, (byte[] Data, ArtifactInfo Info)> _blobs = new(StringComparer.Ordinal);

    /// <summary>When set, the write with this 0-based number throws an IOException.</summary>
    public int? FailOnWrite { get; set; }

    /// <summary>False: report an empty SHA-256 (a store that does not hash), so callers must hash themselves.</summary>
    public bool ReportHashes { get; set; } = true;

    public int Writes { get; private set; }

    public IReadOnlyCollection<string> Names => _blobs.Keys;

    public byte[] Bytes(string name) => _blobs[name].Data;

    public void Replace(string name, byte[] data) => _blobs[name] = (data, _blobs[name].Info);

    public async Task<ArtifactInfo> PutAsync(string name, Stream content, ArtifactPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArtifactName.Validate(name);
        if (Writes++ == FailOnWrite) throw new IOException($"Injected failure writing '{name}'.");
        using var ms = new MemoryStream();
        await content.CopyToAsync(ms, cancellationToken);
        var data = ms.ToArray();
        var info = new ArtifactInfo(name, data.Length, ReportHashes ? Convert.ToHexStringLower(SHA256.HashData(data)) : "", Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow);
        _blobs[name] = (data, info);
        return info;
    }

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default) =>
        _blobs.TryGetValue(name, out var b) ? Task.FromResult<Stream>(new MemoryStream(b.Data, writable: false)) : throw new ArtifactNotFoundException(name);

    public Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_blobs.TryGetValue(name, out var b) ? b.Info : null);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(_blobs.ContainsKey(name));

    public async IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var (name, b) in _blobs.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal)) yield return b.Info;
        }
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(_blobs.Remove(name));
}
