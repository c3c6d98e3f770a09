using Azure.Identity;
using Azure.Storage.Blobs;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage.Azure;

namespace HardSamples.GpuRunner;

/// <summary>Reads a <see cref="JobSpec"/> from a local path or a blob URI (signed in with <c>DefaultAzureCredential</c>).</summary>
public static class JobSource
{
    /// <summary>Loads and parses the spec at <paramref name="location"/>.</summary>
    /// <exception cref="FileNotFoundException">A path that does not exist.</exception>
    /// <exception cref="InvalidDataException">Not a valid job spec.</exception>
    public static async Task<JobSpec> LoadAsync(string location, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        string json;
        if (Uri.TryCreate(location, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            var blob = string.IsNullOrEmpty(uri.Query)
                ? new BlobClient(uri, new DefaultAzureCredential(), AzureBlobArtifactStore.CreateClientOptions())
                : new BlobClient(uri, AzureBlobArtifactStore.CreateClientOptions()); // SAS URI
            var content = await blob.DownloadContentAsync(cancellationToken);
            json = content.Value.Content.ToString();
        }
        else
        {
            if (!File.Exists(location)) throw new FileNotFoundException($"Job spec '{location}' does not exist.", location);
            json = await File.ReadAllTextAsync(location, cancellationToken);
        }
        return ContractJson.ParseSpec(json, location.Split('?')[0]);
    }
}
