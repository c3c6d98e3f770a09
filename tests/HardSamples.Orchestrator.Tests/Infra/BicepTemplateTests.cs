using System.Text.Json.Nodes;
using HardSamples.Orchestrator.Jobs;
using HardSamples.Shared.Configuration;
using HardSamples.Shared.Storage;
using HardSamples.TestSupport;
using Microsoft.Extensions.Configuration;

namespace HardSamples.Orchestrator.Tests.Infra;

/// <summary>infra/bicep compiles and lints clean, and deploys what the code reads (the CI check of issue 8).</summary>
public sealed class BicepTemplateTests(CompiledTemplate template) : IClassFixture<CompiledTemplate>
{
    [Fact]
    public void Build_HasNoErrorsOrWarnings()
    {
        Assert.True(template.Build.ExitCode == 0, $"bicep build failed:\n{template.Build.StdErr}");
        Assert.Empty(template.Build.Diagnostics);
        Assert.Equal("2019-04-01", ((string?)template.Json["$schema"])?.Split('/')[^2]);
    }

    [Fact]
    public void Lint_HasNoErrorsOrWarnings()
    {
        Assert.True(template.Lint.ExitCode == 0, $"bicep lint failed:\n{template.Lint.StdErr}");
        Assert.Empty(template.Lint.Diagnostics);
    }

    [Fact]
    public void Check_FailsOnTypeWarningsAndLinterWarnings()
    {
        // Proves the two checks above can fail: BCP037 (unknown property) and a linter rule both surface.
        using var dir = new TempDirectory();
        var bad = Path.Combine(dir.Path, "bad.bicep");
        File.WriteAllText(bad, """
            param unused string
            resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
              name: 'stbad'
              location: 'westus3'
              kind: 'StorageV2'
              sku: { name: 'Standard_LRS' }
              properties: { notAProperty: true }
            }
            """);
        var build = BicepCli.Run("build", bad, "--stdout");
        var lint = BicepCli.Run("lint", bad);
        Assert.Equal(0, build.ExitCode); // the CLI itself does not fail: the diagnostics check must
        Assert.Contains(build.Diagnostics, d => d.Contains("BCP037"));
        Assert.Contains(lint.Diagnostics, d => d.Contains("no-unused-params"));
    }

    [Fact]
    public void FunctionsAppSettings_CoverEverySettingTheAppReadsAtStartup()
    {
        var deployed = FunctionsAppSettingNames(template);
        var missing = OrchestratorSettings.RequiredAtStartup.Except(deployed).ToArray();
        Assert.True(missing.Length == 0, $"main.bicep does not deploy: {string.Join(", ", missing)}");
        Assert.Equal(deployed.Count, deployed.Distinct().Count());

        // What the code actually reads succeeds against exactly the deployed names.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(deployed.Select(name => KeyValuePair.Create(SettingNames.ToConfigurationKey(name), (string?)Placeholder(name))))
            .Build();
        Assert.Empty(OrchestratorSettings.MissingAppSettings(configuration));
        var options = ContainerAppsJobOptions.FromConfiguration(configuration);
        Assert.Equal("runner", options.ContainerName);
        Assert.Equal(OrchestratorSettings.ContainerAppsLauncher, LiteralSetting(OrchestratorSettings.JobLauncher));
        Assert.Equal("[format('{0}.default', environment().resourceManager)]", LiteralSetting(ContainerAppsJobOptions.TokenScopeSetting));
    }

    [Fact]
    public void FunctionsAppSettings_AreOneAppSettingsResourceWithTheCallbackFromTheSiteItself()
    {
        // The site carries no settings of its own: the appsettings resource replaces the whole set.
        var site = template.ModuleResource("functions", "Microsoft.Web/sites");
        Assert.Null(site["properties"]!["siteConfig"]!["appSettings"]);
        var properties = AppSettingsExpression(template);
        Assert.StartsWith("[toObject(concat(variables('hostSettings'), parameters('appSettings'), createArray(", properties);

        // Base URL: the site's own https default host name, no /api (the callback route adds it).
        Assert.Contains("createObject('name', parameters('callbackBaseUrlSettingName'), 'value', format('https://{0}', reference(resourceId('Microsoft.Web/sites', parameters('name')), '2024-04-01').defaultHostName))", properties);
        Assert.Equal(OrchestratorSettings.CallbackBaseUrl, FunctionsModuleParameter(template, "callbackBaseUrlSettingName"));

        // Key: the host default function key, read only when the parameter says the code (and so the key) exists.
        Assert.Contains("createObject('name', parameters('callbackKeySettingName'), 'value', if(parameters('callbackKeyFromHost'), listKeys(format('{0}/host/default', resourceId('Microsoft.Web/sites', parameters('name'))), '2023-12-01').functionKeys.default, ''))", properties);
        Assert.Equal(OrchestratorSettings.CallbackKey, FunctionsModuleParameter(template, "callbackKeySettingName"));
        Assert.Equal("[parameters('callbackKeyFromHost')]", (string?)template.Module("functions")["properties"]!["parameters"]!["callbackKeyFromHost"]!["value"]);
        Assert.False((bool)template.Json["parameters"]!["callbackKeyFromHost"]!["defaultValue"]!); // a first deployment has no key yet
    }

    [Fact]
    public void FunctionsAppSettings_UseIdentityNeverKeys()
    {
        Assert.Equal("managedidentity", LiteralSetting(OrchestratorSettings.HostStorageCredential));
        Assert.Equal("managedidentity", LiteralSetting(SettingNames.StorageCredential));
        var names = FunctionsAppSettingNames(template);
        Assert.DoesNotContain("AzureWebJobsStorage", names); // a connection string
        Assert.DoesNotContain("APPINSIGHTS_INSTRUMENTATIONKEY", names);
        Assert.Contains(names, n => n == "AzureWebJobsStorage__clientId");

        var site = template.ModuleResource("functions", "Microsoft.Web/sites");
        var runtime = site["properties"]!["functionAppConfig"]!["runtime"]!;
        Assert.Equal("dotnet-isolated", (string?)runtime["name"]);
        Assert.Equal("10.0", (string?)runtime["version"]);
        Assert.Equal("UserAssignedIdentity", (string?)site["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]);
        Assert.Equal("UserAssigned", (string?)site["identity"]!["type"]);
        var plan = template.ModuleResource("functions", "Microsoft.Web/serverfarms");
        Assert.Equal("FlexConsumption", (string?)plan["sku"]!["tier"]);
    }

    [Fact]
    public void RunnerJob_IsManualGpuJobWithEveryRunnerSetting()
    {
        var job = template.ModuleResource("runner-job", "Microsoft.App/jobs");
        Assert.Equal("2024-03-01", (string?)job["apiVersion"]);
        var configuration = job["properties"]!["configuration"]!;
        Assert.Equal("Manual", (string?)configuration["triggerType"]);
        Assert.NotNull(configuration["replicaTimeout"]);
        Assert.NotNull(configuration["replicaRetryLimit"]);
        Assert.NotNull(configuration["registries"]![0]!["identity"]);
        Assert.NotNull(job["properties"]!["workloadProfileName"]);

        var env = CompiledTemplate.Names(job["properties"]!["template"]!["containers"]![0]!["env"]);
        var missing = SettingNames.Runner.Except(env).ToArray();
        Assert.True(missing.Length == 0, $"The runner job does not set: {string.Join(", ", missing)}");

        var containerName = template.Literal(template.Module("runner-job")["properties"]!["parameters"]!["containerName"]!["value"]);
        Assert.Equal("runner", containerName);
    }

    [Fact]
    public void GpuProfile_DefaultsToT4WithA100Allowed()
    {
        var parameter = template.Json["parameters"]!["gpuWorkloadProfileType"]!;
        Assert.Equal("Consumption-GPU-NC8as-T4", (string?)parameter["defaultValue"]);
        var allowed = parameter["allowedValues"]!.AsArray().Select(v => (string)v!).ToArray();
        Assert.Equal(new[] { "Consumption-GPU-NC8as-T4", "Consumption-GPU-NC24-A100" }, allowed);

        var environment = template.ModuleResource("container-apps-environment", "Microsoft.App/managedEnvironments");
        Assert.Equal("2024-03-01", (string?)environment["apiVersion"]);
        Assert.Equal("azure-monitor", (string?)environment["properties"]!["appLogsConfiguration"]!["destination"]);
        Assert.Equal(2, environment["properties"]!["workloadProfiles"]!.AsArray().Count);
    }

    [Fact]
    public void Storage_HasNoSharedKeyAndTheContainersAndTablesTheAppUses()
    {
        var account = template.ModuleResource("storage", "Microsoft.Storage/storageAccounts");
        Assert.Equal("2023-05-01", (string?)account["apiVersion"]);
        Assert.False((bool)account["properties"]!["allowSharedKeyAccess"]!);
        Assert.False((bool)account["properties"]!["allowBlobPublicAccess"]!);

        var parameters = template.Module("storage")["properties"]!["parameters"]!;
        Assert.Equal("datasets", template.Literal(parameters["datasetsContainerName"]!["value"]));
        Assert.Equal("runs", template.Literal(parameters["runsContainerName"]!["value"]));
        Assert.Equal("Runs", template.Literal(parameters["runsTableName"]!["value"]));
        Assert.Equal("Samples", template.Literal(parameters["samplesTableName"]!["value"]));
        // The app uses fixed container names (no setting); the tables are settings.
        Assert.Equal(StorageFactory.DatasetsContainer, template.Literal(parameters["datasetsContainerName"]!["value"]));
        Assert.Equal(StorageFactory.RunsContainer, template.Literal(parameters["runsContainerName"]!["value"]));
        Assert.Equal(template.Literal(parameters["runsTableName"]!["value"]), LiteralSetting(SettingNames.RunsTable));
        Assert.Equal(template.Literal(parameters["samplesTableName"]!["value"]), LiteralSetting(SettingNames.SamplesTable));
    }

    [Fact]
    public void Template_CarriesNoSecretsOrConnectionStrings()
    {
        var text = template.Build.StdOut;
        foreach (var forbidden in new[] { "AccountKey=", "SharedAccessSignature", "DefaultEndpointsProtocol", "listSecrets", "listKeys(resourceId('Microsoft.Storage", "\"sharedKey\"", "adminUserEnabled\": true" })
            Assert.DoesNotContain(forbidden, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("securestring", text, StringComparison.OrdinalIgnoreCase);

        // The only keys read are Functions host keys: the blobs_extension webhook key inside the Event Grid
        // subscription, and the default function key for runner callbacks inside the app settings.
        var listKeys = text.Split("listKeys(").Length - 1;
        Assert.Equal(2, listKeys);
        var subscription = template.ModuleResource("blob-subscription", "Microsoft.EventGrid/systemTopics/eventSubscriptions");
        Assert.Contains("systemKeys.blobs_extension", subscription.ToJsonString());
        Assert.Contains("/host/default', resourceId('Microsoft.Web/sites', parameters('name'))), '2023-12-01').functionKeys.default", AppSettingsExpression(template));
    }

    [Fact]
    public void BlobSubscription_DeliversDatasetsBlobCreatedToTheBlobExtensionWebhook()
    {
        var subscription = template.ModuleResource("blob-subscription", "Microsoft.EventGrid/systemTopics/eventSubscriptions");
        var filter = subscription["properties"]!["filter"]!;
        Assert.Equal(new[] { "Microsoft.Storage.BlobCreated" }, filter["includedEventTypes"]!.AsArray().Select(v => (string)v!).ToArray());
        Assert.Equal("/blobServices/default/containers/{0}/", ((string?)filter["subjectBeginsWith"])![("[format('".Length)..^"', parameters('containerName'))]".Length]);
        var url = (string?)subscription["properties"]!["destination"]!["properties"]!["endpointUrl"];
        Assert.Contains("/runtime/webhooks/blobs?functionName=Host.Functions.{1}", url);
        Assert.Equal("datasets", template.Literal(template.Module("blob-subscription")["properties"]!["parameters"]!["containerName"]!["value"]));
        Assert.Equal("[parameters('subscribeBlobEvents')]", (string?)template.Module("blob-subscription")["condition"]);
    }

    [Fact]
    public void Roles_AreLeastPrivilege()
    {
        var role = template.ModuleResource("runner-job", "Microsoft.Authorization/roleDefinitions");
        var actions = role["properties"]!["permissions"]![0]!["actions"]!.AsArray().Select(a => (string)a!).ToArray();
        Assert.All(actions, a => Assert.DoesNotContain("*", a));
        Assert.Equal(
            new[] { "Microsoft.App/jobs/execution/read", "Microsoft.App/jobs/executions/read", "Microsoft.App/jobs/read", "Microsoft.App/jobs/start/action", "Microsoft.App/jobs/stop/execution/action" },
            actions.Order(StringComparer.Ordinal).ToArray());

        // Built-in role ids granted on the storage account: data roles only, nothing at control-plane level.
        var storageAccess = template.Module("storage-access")["properties"]!["template"]!.ToJsonString();
        foreach (var dataRole in new[] { "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "ba92f5b4-2d11-453d-a403-e96b0029c9fe", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3" })
            Assert.Contains(dataRole, storageAccess);
        Assert.DoesNotContain("b24988ac-6180-42a0-ab88-20f7382dd24c", template.Build.StdOut); // Contributor
        Assert.DoesNotContain("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", template.Build.StdOut); // Owner
        Assert.Contains("7f951dda-4ed3-4680-a7ca-43fe172d538d", template.Module("registry").ToJsonString()); // AcrPull
    }

    [Fact]
    public void Outputs_IncludeTheEndpointsScriptsAndDocsUse()
    {
        var outputs = template.Json["outputs"]!.AsObject().Select(p => p.Key).ToHashSet();
        foreach (var name in new[] { "FUNCTION_APP_URL", "FUNCTION_APP_NAME", "STORAGE_ACCOUNT_NAME", "RUNNER_JOB_NAME", "RUNNER_JOB_ID", "RUNNER_CONTAINER_NAME", "AZURE_CONTAINER_REGISTRY_NAME", "AZURE_CONTAINER_REGISTRY_ENDPOINT", "EVENT_GRID_SYSTEM_TOPIC_NAME", "BLOB_TRIGGER_FUNCTION_NAME", "AZURE_RESOURCE_GROUP" })
            Assert.Contains(name, outputs);

        // Every variable the hook scripts require is an output (or set by azd itself).
        foreach (var script in Directory.GetFiles(Path.Combine(RepoPaths.RepoRoot, "scripts", "azure"), "*.sh"))
        {
            var required = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(script), @"\$\{([A-Z_]+):[?=]").Select(m => m.Groups[1].Value);
            foreach (var variable in required.Where(v => v != "SKIP_RUNNER_IMAGE"))
                Assert.True(outputs.Contains(variable), $"{Path.GetFileName(script)} needs {variable}, which main.bicep does not output.");
        }
    }

    /// <summary>Every app setting name the template sets on the Functions app, in order.</summary>
    internal static IReadOnlyList<string> FunctionsAppSettingNames(CompiledTemplate template)
    {
        var properties = AppSettingsExpression(template);
        var module = template.Module("functions")["properties"]!;
        var hostSettings = module["template"]!["variables"]!["hostSettings"];
        var appSettings = module["parameters"]!["appSettings"]!["value"];
        string[] callbackNames = [.. System.Text.RegularExpressions.Regex.Matches(properties, @"createObject\('name', parameters\('(\w+)'\)")
            .Select(m => FunctionsModuleParameter(template, m.Groups[1].Value) ?? throw new InvalidOperationException($"Setting name parameter {m.Groups[1].Value} is not a literal."))];
        Assert.Equal(2, callbackNames.Length);
        return [.. CompiledTemplate.Names(hostSettings), .. CompiledTemplate.Names(appSettings), .. callbackNames];
    }

    /// <summary>The <c>properties</c> expression of the Functions app's appsettings resource.</summary>
    internal static string AppSettingsExpression(CompiledTemplate template)
    {
        var config = template.ModuleResource("functions", "Microsoft.Web/sites/config");
        Assert.Equal("appsettings", ((string?)config["name"])?.Split('\'')[^2]);
        return (string?)config["properties"] ?? throw new InvalidOperationException("The appsettings properties are not one expression.");
    }

    private static string? FunctionsModuleParameter(CompiledTemplate template, string name) =>
        template.Literal(template.Module("functions")["properties"]!["parameters"]![name]?["value"]);

    private string? LiteralSetting(string name)
    {
        var appSettings = template.Module("functions")["properties"]!["parameters"]!["appSettings"]!["value"]!.AsArray();
        var hostSettings = template.Module("functions")["properties"]!["template"]!["variables"]!["hostSettings"]!.AsArray();
        return template.Literal(appSettings.Concat(hostSettings).Single(s => (string?)s!["name"] == name)!["value"]);
    }

    private static string Placeholder(string name) =>
        name.EndsWith("ArmEndpoint", StringComparison.Ordinal) ? "https://management.azure.com/"
        : name.EndsWith("ContainerName", StringComparison.Ordinal) ? "runner"
        : "value-of-" + name.Replace("__", "-", StringComparison.Ordinal);
}
