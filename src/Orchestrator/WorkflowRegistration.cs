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
/// Wires the workflow into the Functions app from its settings (every name is in <see cref="OrchestratorSettings"/>):
/// application storage (connection string <see cref="SettingNames.StorageConnection"/>, e.g. <c>UseDevelopmentStorage=true</c>
/// with Azurite, or the identity-based blob/table endpoints in Azure), table names, the job launcher
/// (<see cref="OrchestratorSettings.JobLauncher"/> = <c>ContainerApps</c>, or <c>Process</c> with
/// <see cref="OrchestratorSettings.RunnerPath"/> for local development) and the runner callback
/// (<see cref="OrchestratorSettings.CallbackBaseUrl"/>, <see cref="OrchestratorSettings.CallbackKey"/>).
/// </summary>
public static class WorkflowAppRegistration
{
    /// <summary>Registers stores, steps, status, launcher and API options.</summary>
    public static IServiceCollection AddHardSamplesWorkflow(this IServiceCollection services, IConfiguration configuration)
    {
        var (storage, runnerStorage) = OpenStorage(configuration);
        string? Setting(string name) => configuration[SettingNames.ToConfigurationKey(name)] is { Length: > 0 } v ? v : null;
        var callbackBase = Setting(OrchestratorSettings.CallbackBaseUrl);
        if (callbackBase is not null && CallbackBaseUrlProblem(callbackBase) is { } problem)
            throw new InvalidOperationException($"{OrchestratorSettings.CallbackBaseUrl} '{callbackBase}' {problem}.");
        var options = new WorkflowServiceOptions
        {
            RunsTable = Setting(SettingNames.RunsTable) ?? Workflow.Status.RunStatusStore.TableName,
            SamplesTable = Setting(SettingNames.SamplesTable) ?? Workflow.Status.SampleRows.TableName,
            AllowLocalDatasetPaths = false,
            Callbacks = new JobCallbackOptions { BaseUrl = callbackBase, FunctionKey = Setting(OrchestratorSettings.CallbackKey) },
        };
        services.AddRunWorkflowServices(storage.Runs, storage.Datasets, storage.Tables, options);
        services.AddSingleton(new ApiOptions { SamplesTable = options.SamplesTable });
        if (!services.TryAddContainerAppsJobLauncher(configuration))
        {
            var kind = Setting(OrchestratorSettings.JobLauncher);
            if (string.Equals(kind, OrchestratorSettings.ProcessLauncher, StringComparison.OrdinalIgnoreCase))
            {
                var runner = Setting(OrchestratorSettings.RunnerPath) ?? throw new InvalidOperationException($"{OrchestratorSettings.JobLauncher}={OrchestratorSettings.ProcessLauncher} needs {OrchestratorSettings.RunnerPath} (the HardSamples.GpuRunner executable).");
                services.AddSingleton<IJobLauncher>(_ => new LocalProcessJobLauncher(new LocalProcessLauncherOptions
                {
                    RunnerPath = runner,
                    StorageSpec = runnerStorage ?? throw new InvalidOperationException("The process launcher needs HardSamplesStorage as a connection string the runner can open."),
                    WorkFolder = Path.Join(Path.GetTempPath(), "hardsamples-func-jobs"),
                }));
            }
            else
            {
                throw new InvalidOperationException($"No job launcher is configured: set {OrchestratorSettings.JobLauncher} to {OrchestratorSettings.ContainerAppsLauncher} (Azure) or {OrchestratorSettings.ProcessLauncher} (local, with {OrchestratorSettings.RunnerPath}).");
            }
        }
        return services;
    }

    /// <summary>Why <paramref name="baseUrl"/> cannot be the callback base URL, or null when it can.</summary>
    internal static string? CallbackBaseUrlProblem(string baseUrl)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return "is not an absolute http(s) URL";
        if (uri.AbsolutePath.TrimEnd('/').EndsWith("/api", StringComparison.OrdinalIgnoreCase))
            return "ends in /api, which the callback route adds itself (give the app's base URL, e.g. https://NAME.azurewebsites.net)";
        return uri.Query.Length > 0 ? "has a query string" : null;
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
