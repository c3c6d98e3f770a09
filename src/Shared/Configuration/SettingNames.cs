namespace HardSamples.Shared.Configuration;

/// <summary>
/// Names of the settings (app settings / environment variables) shared by the Functions app and the GPU runner
/// in Azure. Double underscores are configuration section separators (<c>HardSamples__RunsTable</c> is
/// <c>HardSamples:RunsTable</c>). infra/bicep deploys every one of them; a test keeps both in step.
/// </summary>
public static class SettingNames
{
    /// <summary>Identity-based connection name for application data (blob trigger <c>Connection</c> too).</summary>
    public const string StorageConnection = "HardSamplesStorage";

    /// <summary>Blob endpoint of the data account.</summary>
    public const string StorageBlobServiceUri = StorageConnection + "__blobServiceUri";

    /// <summary>Queue endpoint of the data account (blob trigger bookkeeping).</summary>
    public const string StorageQueueServiceUri = StorageConnection + "__queueServiceUri";

    /// <summary>Table endpoint of the data account.</summary>
    public const string StorageTableServiceUri = StorageConnection + "__tableServiceUri";

    /// <summary>Always <c>managedidentity</c> in Azure.</summary>
    public const string StorageCredential = StorageConnection + "__credential";

    /// <summary>Client id of the user-assigned identity used for storage.</summary>
    public const string StorageClientId = StorageConnection + "__clientId";

    /// <summary>Client id picked up by <c>DefaultAzureCredential</c>.</summary>
    public const string AzureClientId = "AZURE_CLIENT_ID";

    /// <summary>Blob container of uploaded datasets.</summary>
    public const string DatasetsContainer = "HardSamples__DatasetsContainer";

    /// <summary>Blob container of run artifacts.</summary>
    public const string RunsContainer = "HardSamples__RunsContainer";

    /// <summary>Table of runs.</summary>
    public const string RunsTable = "HardSamples__RunsTable";

    /// <summary>Table of per-sample rows.</summary>
    public const string SamplesTable = "HardSamples__SamplesTable";

    /// <summary>The <c>IConfiguration</c> key of a setting name (<c>A__B</c> → <c>A:B</c>).</summary>
    public static string ToConfigurationKey(string settingName) => settingName.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>Settings the runner container needs in Azure (besides the per-execution job spec).</summary>
    public static IReadOnlyList<string> Runner { get; } =
    [
        AzureClientId,
        StorageBlobServiceUri,
        StorageTableServiceUri,
        StorageCredential,
        StorageClientId,
        RunsContainer,
        SamplesTable,
    ];
}
