using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace HardSamples.Shared.Storage.Azure;

/// <summary>
/// <see cref="IArtifactStore"/> over one Azure blob container (created on first use). Content streams up in blocks of
/// <see cref="BlockSize"/> while its SHA-256 is computed; the digest is stored as blob metadata <c>sha256</c> in the same
/// request that makes the content visible (a single Put Blob, or the Put Block List after staged blocks), so a blob is
/// never visible without its digest. Write-once uses <c>If-None-Match: *</c>, If-Match uses the ETag; a lost condition
/// (409/412, or staged blocks discarded by a competing commit) becomes <see cref="ArtifactConflictException"/>.
/// </summary>
public sealed class AzureBlobArtifactStore : IArtifactStore
{
    /// <summary>Metadata key holding the lower-case hex SHA-256 of the content.</summary>
    public const string Sha256MetadataKey = "sha256";

    /// <summary>Size of each staged block; content up to this size goes up in one request.</summary>
    public const int BlockSize = 4 * 1024 * 1024;

    /// <summary>Blob service version used by every client: the newest that Azurite 3.37 accepts.</summary>
    public const BlobClientOptions.ServiceVersion PinnedServiceVersion = BlobClientOptions.ServiceVersion.V2026_06_06;

    private readonly BlobContainerClient _container;
    private readonly SemaphoreSlim _ensureGate = new(1, 1);
    private volatile bool _containerReady;

    /// <summary>Wraps a container client (see <see cref="CreateClientOptions"/> for the options to build it with).</summary>
    public AzureBlobArtifactStore(BlobContainerClient container)
    {
        _container = container ?? throw new ArgumentNullException(nameof(container));
    }

    /// <summary>The container's name.</summary>
    public string ContainerName => _container.Name;

    /// <summary>Client options with the service version pinned to <see cref="PinnedServiceVersion"/>.</summary>
    public static BlobClientOptions CreateClientOptions() => new(PinnedServiceVersion);

    /// <inheritdoc />
    public async Task<ArtifactInfo> PutAsync(string name, Stream content, ArtifactPutOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArtifactName.Validate(name);
        ArgumentNullException.ThrowIfNull(content);
        options ??= new ArtifactPutOptions();
        if (options.WriteOnce && options.IfMatchETag is not null)
            throw new ArgumentException("WriteOnce and IfMatchETag cannot be combined.", nameof(options));
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlockBlobClient(name);
        var conditions = options.WriteOnce
            ? new BlobRequestConditions { IfNoneMatch = ETag.All }
            : options.IfMatchETag is { } etag ? new BlobRequestConditions { IfMatch = new ETag(etag) } : null;
        var headers = options.ContentType is null ? null : new BlobHttpHeaders { ContentType = options.ContentType };
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, BlockSize), BlockSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            hash.AppendData(buffer, 0, read);
            Response<BlobContentInfo> committed;
            long length = read;
            try
            {
                if (read < BlockSize)
                {
                    var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
                    using var single = new MemoryStream(buffer, 0, read, writable: false);
                    committed = await blob.UploadAsync(single, new BlobUploadOptions
                    {
                        Conditions = conditions,
                        HttpHeaders = headers,
                        Metadata = new Dictionary<string, string> { [Sha256MetadataKey] = sha },
                    }, cancellationToken).ConfigureAwait(false);
                    return Info(name, length, sha, committed.Value);
                }
                var writer = Guid.NewGuid().ToString("N");
                var blockIds = new List<string>();
                while (read > 0)
                {
                    var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes($"{writer}{blockIds.Count:D8}"));
                    using (var block = new MemoryStream(buffer, 0, read, writable: false))
                    {
                        await blob.StageBlockAsync(blockId, block, cancellationToken: cancellationToken).ConfigureAwait(false);
                    }
                    blockIds.Add(blockId);
                    read = await content.ReadAtLeastAsync(buffer.AsMemory(0, BlockSize), BlockSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                    hash.AppendData(buffer, 0, read);
                    length += read;
                }
                var digest = Convert.ToHexStringLower(hash.GetHashAndReset());
                committed = await blob.CommitBlockListAsync(blockIds, new CommitBlockListOptions
                {
                    Conditions = conditions,
                    HttpHeaders = headers,
                    Metadata = new Dictionary<string, string> { [Sha256MetadataKey] = digest },
                }, cancellationToken).ConfigureAwait(false);
                return Info(name, length, digest, committed.Value);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 || (e.Status == 404 && options.IfMatchETag is not null))
            {
                throw new ArtifactConflictException(name, Reason(e, options));
            }
            catch (RequestFailedException e) when (e.Status == 400 && e.ErrorCode == "InvalidBlockList")
            {
                throw new ArtifactConflictException(name, "another writer committed it while this upload was staging blocks.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        ArtifactName.Validate(name);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await _container.GetBlobClient(name).DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new ArtifactNotFoundException(name);
        }
    }

    /// <inheritdoc />
    public async Task<ArtifactInfo?> GetInfoAsync(string name, CancellationToken cancellationToken = default)
    {
        ArtifactName.Validate(name);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlobClient(name);
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        var sha = Sha256Of(properties.Metadata) ?? await ComputeShaAsync(blob, properties.ETag, cancellationToken).ConfigureAwait(false);
        return new ArtifactInfo(name, properties.ContentLength, sha, Quoted(properties.ETag), properties.LastModified);
    }

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default)
    {
        ArtifactName.Validate(name);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        return (await _container.GetBlobClient(name).ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ArtifactInfo> ListAsync(string prefix = "", [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArtifactName.ValidatePrefix(prefix);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var options = new GetBlobsOptions { Traits = BlobTraits.Metadata, Prefix = prefix.Length == 0 ? null : prefix };
        await foreach (var item in _container.GetBlobsAsync(options, cancellationToken).ConfigureAwait(false))
        {
            var etag = item.Properties.ETag ?? default;
            var sha = Sha256Of(item.Metadata) ?? await ComputeShaAsync(_container.GetBlobClient(item.Name), etag, cancellationToken).ConfigureAwait(false);
            yield return new ArtifactInfo(item.Name, item.Properties.ContentLength ?? 0, sha, Quoted(etag), item.Properties.LastModified ?? DateTimeOffset.MinValue);
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        ArtifactName.Validate(name);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var response = await _container.GetBlobClient(name).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Value;
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady) return;
        await _ensureGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_containerReady) return;
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            _containerReady = true;
        }
        finally
        {
            _ensureGate.Release();
        }
    }

    private static ArtifactInfo Info(string name, long length, string sha, BlobContentInfo committed) =>
        new(name, length, sha, Quoted(committed.ETag), committed.LastModified);

    /// <summary>The ETag in its quoted header form: listings return it bare, property reads quoted.</summary>
    private static string Quoted(ETag etag)
    {
        var value = etag.ToString();
        return value.StartsWith('"') || value.StartsWith("W/", StringComparison.Ordinal) ? value : $"\"{value}\"";
    }

    private static string? Sha256Of(IDictionary<string, string>? metadata)
    {
        if (metadata is null) return null;
        foreach (var (key, value) in metadata)
        {
            if (string.Equals(key, Sha256MetadataKey, StringComparison.OrdinalIgnoreCase) && value.Length == 64) return value;
        }
        return null;
    }

    /// <summary>Digest of a blob written by another tool (no <c>sha256</c> metadata): read it once and hash it.</summary>
    private static async Task<string> ComputeShaAsync(BlobBaseClient blob, ETag etag, CancellationToken cancellationToken)
    {
        var conditions = etag == default ? null : new BlobRequestConditions { IfMatch = etag };
        var response = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
        await using var stream = response.Value.Content;
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    private static string Reason(RequestFailedException e, ArtifactPutOptions options) => options.WriteOnce
        ? $"it already exists and the write was write-once ({e.ErrorCode ?? e.Status.ToString()})."
        : $"it changed or vanished since ETag {options.IfMatchETag} was read ({e.ErrorCode ?? e.Status.ToString()}).";
}
