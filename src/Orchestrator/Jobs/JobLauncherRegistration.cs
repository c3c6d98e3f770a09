using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using HardSamples.Workflow.Jobs;

namespace HardSamples.Orchestrator.Jobs;

/// <summary>Registers the job launcher the app settings select.</summary>
public static class JobLauncherRegistration
{
    /// <summary>
    /// When <see cref="OrchestratorSettings.JobLauncher"/> is <c>ContainerApps</c>, registers
    /// <see cref="ContainerAppsJobLauncher"/> as <see cref="IJobLauncher"/> (options read now, so a missing setting
    /// stops the app at startup with its name). Returns true when it registered one.
    /// </summary>
    public static bool TryAddContainerAppsJobLauncher(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var kind = configuration[Shared.Configuration.SettingNames.ToConfigurationKey(OrchestratorSettings.JobLauncher)];
        if (!string.Equals(kind, OrchestratorSettings.ContainerAppsLauncher, StringComparison.OrdinalIgnoreCase)) return false;

        var options = ContainerAppsJobOptions.FromConfiguration(configuration);
        services.AddSingleton(options);
        services.AddSingleton(_ =>
        {
            // One long-lived client; pooled connections are recycled so DNS changes are picked up.
            var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                Timeout = TimeSpan.FromSeconds(100),
            };
            TokenCredential credential = string.IsNullOrWhiteSpace(options.ManagedIdentityClientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId));
            return new ContainerAppsJobLauncher(http, credential, options);
        });
        services.AddSingleton<IJobLauncher>(sp => sp.GetRequiredService<ContainerAppsJobLauncher>());
        return true;
    }
}
