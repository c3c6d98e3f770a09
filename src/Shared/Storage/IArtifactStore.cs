namespace HardSamples.Shared.Storage;

/// <summary>
/// Named blobs in one container (Azure) or one root folder (local). Names are '/'-separated relative
/// paths such as <c>{runId}/results/metrics.csv</c>, validated by <see cref="ArtifactName"/>.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Writes <paramref name="content"/> under <paramref name="name"/> and returns what was stored.</summary>
    /// <exception cref="ArtifactConflictException">WriteOnce and the blob exists, or IfMatch lost a race.</exception>
    Task<ArtifactInfo> PutAsync(string name, Stream content, ArtifactPutOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Opens a blob for streaming reads.</summary>
    /// <exception cref="ArtifactNotFoundException">No blob has that name.</exception>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Properties of a blob, or null when it does not exist.</summary>
    Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>True when a blob has that name.</summary>
    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every blob whose name starts with <paramref name="prefix"/> (empty = all), ordered by name.</summary>
    IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix = "", CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob; false when it did not exist.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default);
}

/// <summary>What the store knows about one blob.</summary>
/// <param name="Name">Validated blob name.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content, computed on write.</param>
/// <param name="ETag">Opaque version tag for conditional writes.</param>
/// <param name="LastModified">Last write time (UTC).</param>
public sealed record ArtifactInfo(string Name, long Length, string Sha256, string ETag, DateTimeOffset LastModified);

/// <summary>Conditions and metadata for <see cref="IArtifactStore.PutAsync"/>.</summary>
/// <param name="WriteOnce">Fail with a conflict when the blob already exists.</param>
/// <param name="IfMatchETag">Only overwrite the version with this ETag.</param>
/// <param name="ContentType">MIME type (Azure only keeps it; local ignores it).</param>
public sealed record ArtifactPutOptions(bool WriteOnce = false, string? IfMatchETag = null, string? ContentType = null);

/// <summary>A blob was not found.</summary>
public sealed class ArtifactNotFoundException(string name)
    : Exception($"Artifact '{name}' does not exist.")
{
    /// <summary>The missing blob's name.</summary>
    public string Name { get; } = name;
}

/// <summary>A conditional write lost: the blob exists (write-once) or changed since its ETag was read.</summary>
public sealed class ArtifactConflictException(string name, string reason)
    : Exception($"Artifact '{name}': {reason}")
{
    /// <summary>The contested blob's name.</summary>
    public string Name { get; } = name;
}
