using HardSamples.Shared.Storage;

namespace HardSamples.Cli.Hosting;

/// <summary>An artifact store created on first use (the local datasets folder is only made when a run needs it).</summary>
internal sealed class LazyArtifactStore(Func<IArtifactStore> create) : IArtifactStore
{
    private readonly Lazy<IArtifactStore> _store = new(create);

    public Task<ArtifactInfo> PutAsync(string name, Stream content, ArtifactPutOptions? options = null, CancellationToken cancellationToken = default)
        => _store.Value.PutAsync(name, content, options, cancellationToken);

    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default) => _store.Value.OpenReadAsync(name, cancellationToken);

    public Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default) => _store.Value.GetInfoAsync(name, cancellationToken);

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) => _store.Value.ExistsAsync(name, cancellationToken);

    public IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix = "", CancellationToken cancellationToken = default) => _store.Value.ListAsync(prefix, cancellationToken);

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default) => _store.Value.DeleteAsync(name, cancellationToken);
}
