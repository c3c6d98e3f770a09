using HardSamples.Shared.Configuration;
using Microsoft.Extensions.Configuration;

namespace HardSamples.Orchestrator.Jobs;

/// <summary>Where the GPU runner job lives and how patiently ARM is called.</summary>
public sealed record ContainerAppsJobOptions
{
    /// <summary>Azure Resource Manager endpoint (<c>https://management.azure.com/</c>; tests use a loopback fake).</summary>
    public const string ArmEndpointSetting = "ContainerAppsJob__ArmEndpoint";

    /// <summary>Subscription of the job.</summary>
    public const string SubscriptionIdSetting = "ContainerAppsJob__SubscriptionId";

    /// <summary>Resource group of the job.</summary>
    public const string ResourceGroupSetting = "ContainerAppsJob__ResourceGroup";

    /// <summary>Job name.</summary>
    public const string JobNameSetting = "ContainerAppsJob__JobName";

    /// <summary>Container in the job template that runs the probe.</summary>
    public const string ContainerNameSetting = "ContainerAppsJob__ContainerName";

    /// <summary>Client id of the user-assigned identity that calls ARM.</summary>
    public const string ManagedIdentityClientIdSetting = "ContainerAppsJob__ManagedIdentityClientId";

    /// <summary>Optional: token scope (sovereign clouds); default <see cref="DefaultTokenScope"/>.</summary>
    public const string TokenScopeSetting = "ContainerAppsJob__TokenScope";

    /// <summary>Token scope of the public Azure Resource Manager.</summary>
    public const string DefaultTokenScope = "https://management.azure.com/.default";

    /// <summary>The Microsoft.App API version the launcher speaks.</summary>
    public const string DefaultApiVersion = "2024-03-01";

    /// <summary>Settings <see cref="FromConfiguration"/> requires.</summary>
    public static IReadOnlyList<string> RequiredSettings { get; } =
    [
        ArmEndpointSetting,
        SubscriptionIdSetting,
        ResourceGroupSetting,
        JobNameSetting,
        ContainerNameSetting,
        ManagedIdentityClientIdSetting,
    ];

    /// <summary>ARM base URI, ending in '/'.</summary>
    public required Uri ArmEndpoint { get; init; }

    /// <summary>Subscription id.</summary>
    public required string SubscriptionId { get; init; }

    /// <summary>Resource group name.</summary>
    public required string ResourceGroup { get; init; }

    /// <summary>Job name.</summary>
    public required string JobName { get; init; }

    /// <summary>Container receiving the spec; null = the template's first container.</summary>
    public string? ContainerName { get; init; }

    /// <summary>Client id of the managed identity; null = DefaultAzureCredential's choice.</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>Token scope for ARM.</summary>
    public string TokenScope { get; init; } = DefaultTokenScope;

    /// <summary>api-version query value.</summary>
    public string ApiVersion { get; init; } = DefaultApiVersion;

    /// <summary>Attempts per ARM call (first try included) for 429, 5xx and network errors.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>Backoff before the second attempt; doubles each time.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts (also caps Retry-After).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Pages of the execution history searched for an earlier execution of the same job.</summary>
    public int MaxExecutionPages { get; init; } = 10;

    /// <summary>Reads the options from configuration; throws naming every missing setting.</summary>
    public static ContainerAppsJobOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? Get(string name) => configuration[SettingNames.ToConfigurationKey(name)];
        var missing = RequiredSettings.Where(name => string.IsNullOrWhiteSpace(Get(name))).ToArray();
        if (missing.Length > 0)
            throw new InvalidOperationException($"The Container Apps job launcher is not configured; missing app settings: {string.Join(", ", missing)}.");
        var arm = Get(ArmEndpointSetting)!;
        if (!Uri.TryCreate(arm.EndsWith('/') ? arm : arm + "/", UriKind.Absolute, out var armUri) || (armUri.Scheme != Uri.UriSchemeHttps && !armUri.IsLoopback))
            throw new InvalidOperationException($"{ArmEndpointSetting} '{arm}' is not an absolute https URI.");
        var scope = Get(TokenScopeSetting);
        return new ContainerAppsJobOptions
        {
            ArmEndpoint = armUri,
            SubscriptionId = Get(SubscriptionIdSetting)!,
            ResourceGroup = Get(ResourceGroupSetting)!,
            JobName = Get(JobNameSetting)!,
            ContainerName = Get(ContainerNameSetting),
            ManagedIdentityClientId = Get(ManagedIdentityClientIdSetting),
            TokenScope = string.IsNullOrWhiteSpace(scope) ? DefaultTokenScope : scope,
        };
    }
}
