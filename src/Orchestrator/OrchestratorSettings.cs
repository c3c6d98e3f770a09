using HardSamples.Orchestrator.Jobs;
using HardSamples.Shared.Configuration;
using Microsoft.Extensions.Configuration;

namespace HardSamples.Orchestrator;

/// <summary>
/// Every app setting the Functions app (host and worker) reads at startup in Azure, in one place.
/// infra/bicep deploys exactly these names; a test fails when the two drift apart.
/// </summary>
public static class OrchestratorSettings
{
    /// <summary>Host storage (durable task hub, blob trigger receipts): identity-based connection.</summary>
    public const string HostStorageBlobServiceUri = "AzureWebJobsStorage__blobServiceUri";

    /// <summary>Host storage queue endpoint (durable task hub queues).</summary>
    public const string HostStorageQueueServiceUri = "AzureWebJobsStorage__queueServiceUri";

    /// <summary>Host storage table endpoint (durable history and instances).</summary>
    public const string HostStorageTableServiceUri = "AzureWebJobsStorage__tableServiceUri";

    /// <summary>Always <c>managedidentity</c>.</summary>
    public const string HostStorageCredential = "AzureWebJobsStorage__credential";

    /// <summary>Client id of the Functions user-assigned identity.</summary>
    public const string HostStorageClientId = "AzureWebJobsStorage__clientId";

    /// <summary>Application Insights endpoint (ingestion authenticated with Entra ID).</summary>
    public const string AppInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary><c>ClientId=...;Authorization=AAD</c>.</summary>
    public const string AppInsightsAuthenticationString = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Which job launcher the app uses (<see cref="ContainerAppsLauncher"/> in Azure).</summary>
    public const string JobLauncher = "HardSamples__JobLauncher";

    /// <summary>Value of <see cref="JobLauncher"/> selecting <see cref="ContainerAppsJobLauncher"/>.</summary>
    public const string ContainerAppsLauncher = ContainerAppsJobLauncher.LauncherKind;

    /// <summary>
    /// Name of the Event Grid-source blob-triggered function starting a run per upload to <c>datasets</c>
    /// (<c>[Function(OrchestratorSettings.DatasetUploadFunctionName)]</c>). The Event Grid webhook addresses it
    /// as <c>Host.Functions.{name}</c>; infra/bicep's <c>blobTriggerFunctionName</c> defaults to it.
    /// </summary>
    public const string DatasetUploadFunctionName = "StartRunOnDatasetUpload";

    /// <summary>Settings read by the Functions host itself.</summary>
    public static IReadOnlyList<string> Host { get; } =
    [
        HostStorageBlobServiceUri,
        HostStorageQueueServiceUri,
        HostStorageTableServiceUri,
        HostStorageCredential,
        HostStorageClientId,
        AppInsightsConnectionString,
        AppInsightsAuthenticationString,
    ];

    /// <summary>Settings read by HardSamples code in the worker.</summary>
    public static IReadOnlyList<string> App { get; } =
    [
        SettingNames.AzureClientId,
        SettingNames.StorageBlobServiceUri,
        SettingNames.StorageQueueServiceUri,
        SettingNames.StorageTableServiceUri,
        SettingNames.StorageCredential,
        SettingNames.StorageClientId,
        SettingNames.DatasetsContainer,
        SettingNames.RunsContainer,
        SettingNames.RunsTable,
        SettingNames.SamplesTable,
        JobLauncher,
        .. ContainerAppsJobOptions.RequiredSettings,
    ];

    /// <summary>Everything the deployment must provide.</summary>
    public static IReadOnlyList<string> RequiredAtStartup { get; } = [.. Host, .. App];

    /// <summary>Names from <see cref="App"/> that are missing or empty in <paramref name="configuration"/>.</summary>
    public static IReadOnlyList<string> MissingAppSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return App.Where(name => string.IsNullOrWhiteSpace(configuration[SettingNames.ToConfigurationKey(name)])).ToArray();
    }
}
