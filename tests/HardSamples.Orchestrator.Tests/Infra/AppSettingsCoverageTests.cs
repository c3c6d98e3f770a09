using System.Text.Json.Nodes;
using HardSamples.Orchestrator.Jobs;
using HardSamples.Shared.Configuration;
using HardSamples.Workflow.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HardSamples.Orchestrator.Tests.Infra;

/// <summary>
/// <see cref="OrchestratorSettings.All"/> is the one list of app settings, both ways: every name the code reads is in it
/// and set by infra/bicep (Azure) or local.settings.example.json (local), and every name those two set is in it and read.
/// </summary>
public sealed class AppSettingsCoverageTests(CompiledTemplate template) : IClassFixture<CompiledTemplate>
{
    private static string Repo(params string[] parts) => Path.Combine([RepoPaths.RepoRoot, .. parts]);

    [Fact]
    public void Bicep_sets_exactly_the_Azure_settings()
    {
        var deployed = BicepTemplateTests.FunctionsAppSettingNames(template);
        Assert.Equal(deployed.Count, deployed.Distinct().Count());
        var notDeclared = deployed.Except(OrchestratorSettings.Azure).ToArray();
        Assert.True(notDeclared.Length == 0, $"main.bicep sets settings the app does not read (not in OrchestratorSettings.All as Azure): {string.Join(", ", notDeclared)}");
        var notDeployed = OrchestratorSettings.Azure.Except(deployed).ToArray();
        Assert.True(notDeployed.Length == 0, $"main.bicep does not set: {string.Join(", ", notDeployed)}");
    }

    [Fact]
    public void The_local_example_sets_exactly_the_local_settings()
    {
        var local = LocalExample();
        var notDeclared = local.Keys.Except(OrchestratorSettings.Local).ToArray();
        Assert.True(notDeclared.Length == 0, $"local.settings.example.json sets settings the app does not read locally: {string.Join(", ", notDeclared)}");
        var missing = OrchestratorSettings.Local.Except(local.Keys).ToArray();
        Assert.True(missing.Length == 0, $"local.settings.example.json lacks: {string.Join(", ", missing)}");
        Assert.Equal(OrchestratorSettings.ProcessLauncher, local[OrchestratorSettings.JobLauncher]);
    }

    [Fact]
    public void Every_setting_is_declared_once_and_local_only_ones_are_the_local_connections_and_runner()
    {
        Assert.Equal(OrchestratorSettings.All.Count, OrchestratorSettings.All.Select(s => s.Name).Distinct().Count());
        Assert.Equal(
            new[] { OrchestratorSettings.HostStorageConnection, OrchestratorSettings.RunnerPath, OrchestratorSettings.WorkerRuntime, SettingNames.StorageConnection }.Order(StringComparer.Ordinal),
            OrchestratorSettings.LocalOnly.Order(StringComparer.Ordinal));
        Assert.All(OrchestratorSettings.All.Where(s => s.Default is not null), s => Assert.False(s.Required, $"{s.Name} has a default but is marked required"));
    }

    [Theory]
    [InlineData("Azure")]
    [InlineData("Local")]
    public void The_worker_reads_only_declared_settings(string deployment)
    {
        var (values, expectedLauncher) = deployment == "Azure"
            ? (BicepTemplateTests.FunctionsAppSettingNames(template).ToDictionary(n => n, AzurePlaceholder), typeof(ContainerAppsJobLauncher))
            : (LocalExample(), typeof(LocalProcessJobLauncher));
        var (read, provider) = Register(values);
        using (provider)
        {
            Assert.IsType(expectedLauncher, provider.GetRequiredService<IJobLauncher>());
            var callbacks = provider.GetRequiredService<JobCallbackOptions>();
            Assert.Equal(values[OrchestratorSettings.CallbackBaseUrl], callbacks.BaseUrl);
        }
        var declared = OrchestratorSettings.All.Select(s => SettingNames.ToConfigurationKey(s.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var undeclared = read.Where(key => !declared.Contains(key)).ToArray();
        Assert.True(undeclared.Length == 0, $"The worker reads settings missing from OrchestratorSettings.All: {string.Join(", ", undeclared)}");
    }

    [Fact]
    public void Every_declared_worker_setting_is_read_in_Azure_or_locally()
    {
        var azure = Register(BicepTemplateTests.FunctionsAppSettingNames(template).ToDictionary(n => n, AzurePlaceholder));
        var local = Register(LocalExample());
        azure.Provider.Dispose();
        local.Provider.Dispose();
        var read = azure.Read.Concat(local.Read).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unread = OrchestratorSettings.All.Where(s => s.ReadBy == SettingReader.Worker && !read.Contains(SettingNames.ToConfigurationKey(s.Name)))
            .Select(s => s.Name).ToArray();
        Assert.True(unread.Length == 0, $"Declared as read by the worker, but never read: {string.Join(", ", unread)}");
    }

    [Fact]
    public void Every_setting_is_documented()
    {
        var deploy = File.ReadAllText(Repo("docs", "deploy.md"));
        var local = File.ReadAllText(Repo("docs", "local-functions.md"));
        foreach (var name in OrchestratorSettings.Azure)
            Assert.True(deploy.Contains($"`{name}`", StringComparison.Ordinal), $"docs/deploy.md does not list `{name}`.");
        foreach (var name in OrchestratorSettings.Local)
            Assert.True(local.Contains($"`{name}`", StringComparison.Ordinal), $"docs/local-functions.md does not list `{name}`.");
    }

    [Fact]
    public void A_callback_base_url_ending_in_api_stops_startup_with_the_setting_name()
    {
        var values = LocalExample();
        values[OrchestratorSettings.CallbackBaseUrl] = "https://func-x.azurewebsites.net/api";
        var error = Assert.Throws<InvalidOperationException>(() => Register(values));
        Assert.Contains(OrchestratorSettings.CallbackBaseUrl, error.Message);
        Assert.Contains("/api", error.Message);
        values[OrchestratorSettings.CallbackBaseUrl] = "func-x.azurewebsites.net";
        Assert.Contains("absolute", Assert.Throws<InvalidOperationException>(() => Register(values)).Message);
    }

    [Fact]
    public void A_missing_launcher_or_runner_path_stops_startup_naming_the_setting()
    {
        var values = LocalExample();
        values.Remove(OrchestratorSettings.RunnerPath);
        Assert.Contains(OrchestratorSettings.RunnerPath, Assert.Throws<InvalidOperationException>(() => Register(values)).Message);
        values.Remove(OrchestratorSettings.JobLauncher);
        Assert.Contains(OrchestratorSettings.JobLauncher, Assert.Throws<InvalidOperationException>(() => Register(values)).Message);
    }

    [Fact]
    public void The_postdeploy_hook_sets_the_callback_key_and_keeps_it_across_provisions()
    {
        var hook = File.ReadAllText(Repo("scripts", "azure", "postdeploy.sh"));
        Assert.Contains("./set-callback-key.sh", hook);
        Assert.Contains("./subscribe-blob-events.sh", hook);
        Assert.Matches(@"(?m)^\s+run:\s*scripts/azure/postdeploy\.sh\s*$", File.ReadAllText(Repo("azure.yaml")));

        var script = File.ReadAllText(Repo("scripts", "azure", "set-callback-key.sh"));
        Assert.Contains("--query functionKeys.default", script);
        Assert.Contains($"--settings \"{OrchestratorSettings.CallbackKey}=$key\"", script);
        var parameter = (string?)JsonNode.Parse(File.ReadAllText(Repo("infra", "bicep", "main.parameters.json")))!["parameters"]!["callbackKeyFromHost"]!["value"];
        var variable = System.Text.RegularExpressions.Regex.Match(parameter ?? "", @"^\$\{(\w+)=false\}$").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(variable), $"callbackKeyFromHost is not bound to an azd variable defaulting to false: {parameter}");
        Assert.Contains($"azd env set {variable} true", script);
    }

    /// <summary>Runs the app's registration on <paramref name="values"/>, recording every configuration key read.</summary>
    private static (IReadOnlyCollection<string> Read, ServiceProvider Provider) Register(IReadOnlyDictionary<string, string> values)
    {
        var source = new RecordingSource(values.ToDictionary(p => SettingNames.ToConfigurationKey(p.Key), p => p.Value, StringComparer.OrdinalIgnoreCase));
        var configuration = new ConfigurationBuilder().Add(source).Build();
        var services = new ServiceCollection().AddHardSamplesWorkflow(configuration);
        return (source.Read, services.BuildServiceProvider());
    }

    private static Dictionary<string, string> LocalExample()
    {
        var values = JsonNode.Parse(File.ReadAllText(Repo("src", "Orchestrator", "local.settings.example.json")))!["Values"]!.AsObject();
        return values.ToDictionary(p => p.Key, p => (string?)p.Value ?? "");
    }

    private static string AzurePlaceholder(string name) =>
        name.EndsWith("ServiceUri", StringComparison.Ordinal) ? $"https://stexample.{name.Split("__")[1][..^"ServiceUri".Length]}.core.windows.net/"
        : name == ContainerAppsJobOptions.ArmEndpointSetting ? "https://management.azure.com/"
        : name == OrchestratorSettings.CallbackBaseUrl ? "https://func-example.azurewebsites.net"
        : name == OrchestratorSettings.JobLauncher ? OrchestratorSettings.ContainerAppsLauncher
        : "value-of-" + name.Replace("__", "-", StringComparison.Ordinal);

    private sealed class RecordingSource(IDictionary<string, string> values) : IConfigurationSource
    {
        private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, string?> _values = values.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.OrdinalIgnoreCase);

        public IReadOnlyCollection<string> Read => _read;

        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this);

        private sealed class Provider(RecordingSource source) : ConfigurationProvider
        {
            public override void Load() => Data = new Dictionary<string, string?>(source._values, StringComparer.OrdinalIgnoreCase);

            public override bool TryGet(string key, out string? value)
            {
                lock (source._read) source._read.Add(key);
                return base.TryGet(key, out value);
            }
        }
    }
}
