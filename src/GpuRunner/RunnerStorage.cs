using Azure.Identity;
using Azure.Storage.Blobs;
using HardSamples.Shared.Configuration;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Storage.Azure;

namespace HardSamples.GpuRunner;

/// <summary>The artifact store a runner process writes to, and where it came from (for messages; never secrets).</summary>
/// <param name="Runs">The runs container/folder: prepared data and probe outputs.</param>
/// <param name="Description">Readable origin.</param>
public sealed record RunnerStore(IArtifactStore Runs, string Description);

/// <summary>
/// Chooses the runner's store, first match wins: <c>--storage SPEC</c>; <c>HARDSAMPLES_STORAGE</c> (both in
/// <see cref="StorageFactory"/> forms); the Azure app settings the infrastructure deploys
/// (<see cref="SettingNames.StorageBlobServiceUri"/> with <c>DefaultAzureCredential</c>, container
/// <see cref="SettingNames.RunsContainer"/>, default <c>runs</c>).
/// </summary>
public static class RunnerStorage
{
    /// <summary>Environment variable holding a storage specification.</summary>
    public const string StorageVariable = "HARDSAMPLES_STORAGE";

    /// <summary>Resolves the store; <paramref name="environment"/> reads a variable (null when unset).</summary>
    /// <exception cref="ArgumentException">Nothing configured, or a malformed value.</exception>
    public static RunnerStore Resolve(string? storageArgument, Func<string, string?> environment)
    {
        var spec = !string.IsNullOrWhiteSpace(storageArgument) ? storageArgument : environment(StorageVariable);
        if (!string.IsNullOrWhiteSpace(spec))
        {
            var set = StorageFactory.Create(spec);
            return new RunnerStore(set.Runs, set.Description);
        }
        var blobUri = environment(SettingNames.StorageBlobServiceUri);
        if (!string.IsNullOrWhiteSpace(blobUri))
        {
            if (!Uri.TryCreate(blobUri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                throw new ArgumentException($"{SettingNames.StorageBlobServiceUri} '{blobUri}' is not an https service URI.");
            var container = environment(SettingNames.RunsContainer);
            if (string.IsNullOrWhiteSpace(container)) container = StorageFactory.RunsContainer;
            var clientId = environment(SettingNames.StorageClientId);
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId,
            });
            var service = new BlobServiceClient(uri, credential, AzureBlobArtifactStore.CreateClientOptions());
            return new RunnerStore(new AzureBlobArtifactStore(service.GetBlobContainerClient(container)), $"Azure blob container '{container}' at {uri} (Entra ID)");
        }
        throw new ArgumentException(
            $"No storage configured: pass --storage, set {StorageVariable} (local:PATH, a connection string or a service URI), " +
            $"or the app settings {SettingNames.StorageBlobServiceUri} and {SettingNames.RunsContainer}.");
    }
}
