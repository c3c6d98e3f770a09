using Azure.Core;
using Azure.Identity;
using HardSamples.Orchestrator.Api;
using HardSamples.Orchestrator.Jobs;
using HardSamples.Shared.Configuration;
using HardSamples.Shared.Storage;
using HardSamples.Workflow;
using HardSamples.Workflow.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HardSamples.Orchestrator;

/// <summary>
/// Wires the workflow into the Functions app from its settings: application storage (connection string
/// <c>HardSamplesStorage</c>, e.g. <c>UseDevelopmentStorage=true</c> with Azurite, or the identity-based
/// <c>HardSamplesStorage__blobServiceUri</c>/<c>__tableServiceUri</c> in Azure), table names, the job launcher
/// (<c>HardSamples__JobLauncher</c> = <c>ContainerApps</c>, or <c>Process</c> with <c>HardSamples__RunnerPath</c> for
/// local development) and the runner callback (<c>HardSamples__CallbackBaseUrl</c>, <c>HardSamples__CallbackKey</c>).
/// </summary>
public static class WorkflowAppRegistration
{
    /// <summary>Local-development launcher kind: GpuRunner child processes.</summary>
    public const string ProcessLauncher = "Process";

    /// <summary>Path of the GpuRunner executable for the process launcher.</summary>
    public const string RunnerPathSetting = "HardSamples__RunnerPath";

    /// <summary>Public base URL of this app for runner callbacks.</summary>
    public const string CallbackBaseUrlSetting = "HardSamples__CallbackBaseUrl";

    /// <summary>Function key sent by runners to the completion endpoint.</summary>
    public const string CallbackKeySetting = "HardSamples__CallbackKey";

    /// <summary>Registers stores, steps, status, launcher and API options.</summary>
    public static IServiceCollection AddHardSamplesWorkflow(this IServiceCollection services, IConfiguration configuration)
    {
        var (storage, runnerStorage) = OpenStorage(configuration);
        string? Setting(string name) => configuration[SettingNames.ToConfigurationKey(name)] is { Length: > 0 } v ? v : null;
        var options = new WorkflowServiceOptions
        {
            RunsTable = Setting(SettingNames.RunsTable) ?? Workflow.Status.RunStatusStore.TableName,
            SamplesTable = Setting(SettingNames.SamplesTable) ?? Workflow.Status.SampleRows.TableName,
            AllowLocalDatasetPaths = false,
            Callbacks = new JobCallbackOptions { BaseUrl = Setting(CallbackBaseUrlSetting), FunctionKey = Setting(CallbackKeySetting) },
        };
        services.AddRunWorkflowServices(storage.Runs, storage.Datasets, storage.Tables, options);
        services.AddSingleton(new ApiOptions { SamplesTable = options.SamplesTable });
        if (!services.TryAddContainerAppsJobLauncher(configuration))
        {
            var kind = Setting(OrchestratorSettings.JobLauncher);
            if (string.Equals(kind, ProcessLauncher, StringComparison.OrdinalIgnoreCase))
            {
                var runner = Setting(RunnerPathSetting) ?? throw new InvalidOperationException($"{OrchestratorSettings.JobLauncher}=Process needs {RunnerPathSetting} (the HardSamples.GpuRunner executable).");
                services.AddSingleton<IJobLauncher>(_ => new LocalProcessJobLauncher(new LocalProcessLauncherOptions
                {
                    RunnerPath = runner,
                    StorageSpec = runnerStorage ?? throw new InvalidOperationException("The process launcher needs HardSamplesStorage as a connection string the runner can open."),
                    WorkFolder = Path.Join(Path.GetTempPath(), "hardsamples-func-jobs"),
                }));
            }
            else
            {
                throw new InvalidOperationException($"No job launcher is configured: set {OrchestratorSettings.JobLauncher} to {OrchestratorSettings.ContainerAppsLauncher} (Azure) or {ProcessLauncher} (local, with {RunnerPathSetting}).");
            }
        }
        return services;
    }

    /// <summary>The app's data stores and the storage spec a runner process could use (connection strings only).</summary>
    public static (StorageSet Stores, string? RunnerStorage) OpenStorage(IConfiguration configuration)
    {
        var connection = configuration[SettingNames.StorageConnection];
        if (!string.IsNullOrWhiteSpace(connection)) return (StorageFactory.Create(connection), connection);
        var blob = configuration[SettingNames.ToConfigurationKey(SettingNames.StorageBlobServiceUri)];
        var table = configuration[SettingNames.ToConfigurationKey(SettingNames.StorageTableServiceUri)];
        if (string.IsNullOrWhiteSpace(blob) || string.IsNullOrWhiteSpace(table))
            throw new InvalidOperationException($"Application storage is not configured: set {SettingNames.StorageConnection} (a connection string) or {SettingNames.StorageBlobServiceUri} and {SettingNames.StorageTableServiceUri}.");
        var clientId = configuration[SettingNames.ToConfigurationKey(SettingNames.StorageClientId)];
        TokenCredential credential = string.IsNullOrWhiteSpace(clientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        return (StorageFactory.Create(new ServiceUriStorageSpec(new Uri(blob), new Uri(table)), credential), null);
    }
}
