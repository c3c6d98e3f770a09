using HardSamples.Orchestrator.Jobs;
using HardSamples.Shared.Configuration;
using Microsoft.Extensions.Configuration;

namespace HardSamples.Orchestrator;

/// <summary>Where a deployment sets an app setting.</summary>
[Flags]
public enum SettingTarget
{
    /// <summary>infra/bicep sets it on the Functions app.</summary>
    Azure = 1,

    /// <summary><c>src/Orchestrator/local.settings.example.json</c> sets it for <c>func start</c>.</summary>
    Local = 2,

    /// <summary>Both.</summary>
    Both = Azure | Local,
}

/// <summary>Who reads an app setting.</summary>
public enum SettingReader
{
    /// <summary>The Functions host or one of its extensions (task hub, blob trigger connection, telemetry).</summary>
    Host,

    /// <summary>HardSamples code in the isolated worker (<see cref="WorkflowAppRegistration"/> and the launchers).</summary>
    Worker,

    /// <summary>Azure.Identity's <c>DefaultAzureCredential</c>, from the environment.</summary>
    AzureIdentity,
}

/// <summary>One app setting of the Functions app.</summary>
/// <param name="Name">Setting name (<c>__</c> separates configuration sections).</param>
/// <param name="SetIn">Where deployments set it.</param>
/// <param name="ReadBy">Who reads it.</param>
/// <param name="Required">Whether startup fails without it (in the deployments that set it; some only for one launcher).</param>
/// <param name="Default">Value used when it is absent or empty; null when none.</param>
public sealed record AppSetting(string Name, SettingTarget SetIn, SettingReader ReadBy, bool Required, string? Default = null);

/// <summary>
/// Every app setting the Functions app (host and worker) reads, in one place: <see cref="All"/>. infra/bicep sets
/// exactly the <see cref="SettingTarget.Azure"/> ones and <c>local.settings.example.json</c> exactly the
/// <see cref="SettingTarget.Local"/> ones; tests fail when the code, the template or the example drift apart.
/// Names shared with the GPU runner live in <see cref="SettingNames"/>, the Container Apps job ones in
/// <see cref="ContainerAppsJobOptions"/>; this class lists them too.
/// </summary>
public static class OrchestratorSettings
{
    /// <summary>Host storage as a connection string. Local only (<c>UseDevelopmentStorage=true</c>); required there.</summary>
    public const string HostStorageConnection = "AzureWebJobsStorage";

    /// <summary>Host storage (durable task hub, blob trigger receipts): identity-based blob endpoint. Azure; required.</summary>
    public const string HostStorageBlobServiceUri = HostStorageConnection + "__blobServiceUri";

    /// <summary>Host storage queue endpoint (durable task hub queues). Azure; required.</summary>
    public const string HostStorageQueueServiceUri = HostStorageConnection + "__queueServiceUri";

    /// <summary>Host storage table endpoint (durable history and instances). Azure; required.</summary>
    public const string HostStorageTableServiceUri = HostStorageConnection + "__tableServiceUri";

    /// <summary>Always <c>managedidentity</c>. Azure; required.</summary>
    public const string HostStorageCredential = HostStorageConnection + "__credential";

    /// <summary>Client id of the Functions user-assigned identity. Azure; required.</summary>
    public const string HostStorageClientId = HostStorageConnection + "__clientId";

    /// <summary>
    /// <c>dotnet-isolated</c>. Local only and required there; Flex Consumption takes the runtime from the site's
    /// <c>functionAppConfig.runtime</c> and rejects this setting.
    /// </summary>
    public const string WorkerRuntime = "FUNCTIONS_WORKER_RUNTIME";

    /// <summary>Application Insights endpoint (ingestion authenticated with Entra ID). Azure; optional (no telemetry without).</summary>
    public const string AppInsightsConnectionString = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary><c>ClientId=...;Authorization=AAD</c>. Azure; optional (needed with local auth off on App Insights).</summary>
    public const string AppInsightsAuthenticationString = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>
    /// Which job launcher the app uses: <see cref="ContainerAppsLauncher"/> (Azure) or <see cref="ProcessLauncher"/>
    /// (local). Both; required, no default.
    /// </summary>
    public const string JobLauncher = "HardSamples__JobLauncher";

    /// <summary>Value of <see cref="JobLauncher"/> selecting <see cref="ContainerAppsJobLauncher"/>.</summary>
    public const string ContainerAppsLauncher = ContainerAppsJobLauncher.LauncherKind;

    /// <summary>Value of <see cref="JobLauncher"/> selecting GpuRunner child processes (local development).</summary>
    public const string ProcessLauncher = "Process";

    /// <summary>
    /// Path of the <c>HardSamples.GpuRunner</c> executable for the <see cref="ProcessLauncher"/>. Local only (Azure
    /// runs the runner as a Container Apps job); required when <see cref="JobLauncher"/> is <c>Process</c>.
    /// </summary>
    public const string RunnerPath = "HardSamples__RunnerPath";

    /// <summary>
    /// Public base URL of this app for runner callbacks, without <c>/api</c> (the job-completion route is appended:
    /// <c>{base}/api/runs/{runId}/jobs/{jobId}/complete</c>). Both; optional, default none: runners post no
    /// callback and the orchestrator's status poll alone sees jobs finish. Azure: <c>https://{defaultHostName}</c>.
    /// </summary>
    public const string CallbackBaseUrl = "HardSamples__CallbackBaseUrl";

    /// <summary>
    /// Function key runners send (as <c>code</c>) to the function-level completion endpoint. Both; optional, default
    /// none (fine locally, where <c>func start</c> does not check keys; in Azure a keyless callback gets 401 and only
    /// the status poll remains). Azure: the host's default function key (see docs/deploy.md).
    /// </summary>
    public const string CallbackKey = "HardSamples__CallbackKey";

    /// <summary>
    /// Name of the Event Grid-source blob-triggered function starting a run per upload to <c>datasets</c>
    /// (<c>[Function(OrchestratorSettings.DatasetUploadFunctionName)]</c>). The Event Grid webhook addresses it
    /// as <c>Host.Functions.{name}</c>; infra/bicep's <c>blobTriggerFunctionName</c> defaults to it.
    /// </summary>
    public const string DatasetUploadFunctionName = "StartRunOnDatasetUpload";

    /// <summary>Every setting the app reads, where it is set, who reads it, whether it is required and its default.</summary>
    public static IReadOnlyList<AppSetting> All { get; } =
    [
        // Functions host.
        new(HostStorageConnection, SettingTarget.Local, SettingReader.Host, Required: true),
        new(HostStorageBlobServiceUri, SettingTarget.Azure, SettingReader.Host, Required: true),
        new(HostStorageQueueServiceUri, SettingTarget.Azure, SettingReader.Host, Required: true),
        new(HostStorageTableServiceUri, SettingTarget.Azure, SettingReader.Host, Required: true),
        new(HostStorageCredential, SettingTarget.Azure, SettingReader.Host, Required: true),
        new(HostStorageClientId, SettingTarget.Azure, SettingReader.Host, Required: true),
        new(WorkerRuntime, SettingTarget.Local, SettingReader.Host, Required: true),
        new(AppInsightsConnectionString, SettingTarget.Azure, SettingReader.Host, Required: false),
        new(AppInsightsAuthenticationString, SettingTarget.Azure, SettingReader.Host, Required: false),

        // Application storage: a connection string locally, identity-based endpoints in Azure. The blob trigger's
        // connection (host) reads the blob and queue endpoints and the credential; the worker the blob and table ones.
        new(SettingNames.StorageConnection, SettingTarget.Local, SettingReader.Worker, Required: true),
        new(SettingNames.StorageBlobServiceUri, SettingTarget.Azure, SettingReader.Worker, Required: true),
        new(SettingNames.StorageQueueServiceUri, SettingTarget.Azure, SettingReader.Host, Required: true),
        new(SettingNames.StorageTableServiceUri, SettingTarget.Azure, SettingReader.Worker, Required: true),
        new(SettingNames.StorageCredential, SettingTarget.Azure, SettingReader.Host, Required: true),
        new(SettingNames.StorageClientId, SettingTarget.Azure, SettingReader.Worker, Required: true),
        new(SettingNames.AzureClientId, SettingTarget.Azure, SettingReader.AzureIdentity, Required: false),
        new(SettingNames.RunsTable, SettingTarget.Both, SettingReader.Worker, Required: false, Default: Workflow.Status.RunStatusStore.TableName),
        new(SettingNames.SamplesTable, SettingTarget.Both, SettingReader.Worker, Required: false, Default: Workflow.Status.SampleRows.TableName),

        // Job launcher and runner callbacks.
        new(JobLauncher, SettingTarget.Both, SettingReader.Worker, Required: true),
        new(RunnerPath, SettingTarget.Local, SettingReader.Worker, Required: true),
        new(CallbackBaseUrl, SettingTarget.Both, SettingReader.Worker, Required: false),
        new(CallbackKey, SettingTarget.Both, SettingReader.Worker, Required: false),
        new(ContainerAppsJobOptions.ArmEndpointSetting, SettingTarget.Azure, SettingReader.Worker, Required: true),
        new(ContainerAppsJobOptions.SubscriptionIdSetting, SettingTarget.Azure, SettingReader.Worker, Required: true),
        new(ContainerAppsJobOptions.ResourceGroupSetting, SettingTarget.Azure, SettingReader.Worker, Required: true),
        new(ContainerAppsJobOptions.JobNameSetting, SettingTarget.Azure, SettingReader.Worker, Required: true),
        new(ContainerAppsJobOptions.ContainerNameSetting, SettingTarget.Azure, SettingReader.Worker, Required: true),
        new(ContainerAppsJobOptions.ManagedIdentityClientIdSetting, SettingTarget.Azure, SettingReader.Worker, Required: true),
        new(ContainerAppsJobOptions.TokenScopeSetting, SettingTarget.Azure, SettingReader.Worker, Required: false, Default: ContainerAppsJobOptions.DefaultTokenScope),
    ];

    /// <summary>Names infra/bicep sets on the Functions app: exactly these.</summary>
    public static IReadOnlyList<string> Azure { get; } = Names(s => s.SetIn.HasFlag(SettingTarget.Azure));

    /// <summary>Names <c>local.settings.example.json</c> sets: exactly these.</summary>
    public static IReadOnlyList<string> Local { get; } = Names(s => s.SetIn.HasFlag(SettingTarget.Local));

    /// <summary>Names used only locally (connection strings, the runner path, the worker runtime).</summary>
    public static IReadOnlyList<string> LocalOnly { get; } = Names(s => s.SetIn == SettingTarget.Local);

    /// <summary>Settings read by the Functions host itself in Azure.</summary>
    public static IReadOnlyList<string> Host { get; } = Names(s => s.ReadBy == SettingReader.Host && s.SetIn.HasFlag(SettingTarget.Azure));

    /// <summary>Settings the worker needs, non-empty, in Azure (the Container Apps launcher included).</summary>
    public static IReadOnlyList<string> App { get; } = Names(s => s.ReadBy == SettingReader.Worker && s.Required && s.SetIn.HasFlag(SettingTarget.Azure));

    /// <summary>Everything the Azure deployment must provide for the app to start.</summary>
    public static IReadOnlyList<string> RequiredAtStartup { get; } = [.. Host, .. App];

    /// <summary>The definition of <paramref name="name"/>; throws when the app does not read such a setting.</summary>
    public static AppSetting Get(string name) =>
        All.SingleOrDefault(s => s.Name == name) ?? throw new KeyNotFoundException($"'{name}' is not an app setting of the Functions app (OrchestratorSettings.All).");

    /// <summary>Names from <see cref="App"/> that are missing or empty in <paramref name="configuration"/>.</summary>
    public static IReadOnlyList<string> MissingAppSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return App.Where(name => string.IsNullOrWhiteSpace(configuration[SettingNames.ToConfigurationKey(name)])).ToArray();
    }

    private static string[] Names(Func<AppSetting, bool> predicate) => All.Where(predicate).Select(s => s.Name).ToArray();
}
