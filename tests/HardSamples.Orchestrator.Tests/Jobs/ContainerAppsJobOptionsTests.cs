using HardSamples.Orchestrator.Jobs;
using HardSamples.Shared.Contracts;
using HardSamples.Workflow.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HardSamples.Orchestrator.Tests.Jobs;

public sealed class ContainerAppsJobOptionsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":"), (string?)s.Value))).Build();

    private static readonly (string, string)[] Complete =
    [
        ("ContainerAppsJob__ArmEndpoint", "https://management.azure.com"),
        ("ContainerAppsJob__SubscriptionId", "sub-1"),
        ("ContainerAppsJob__ResourceGroup", "rg-hs"),
        ("ContainerAppsJob__JobName", "caj-runner"),
        ("ContainerAppsJob__ContainerName", "runner"),
        ("ContainerAppsJob__ManagedIdentityClientId", "00000000-0000-0000-0000-000000000001"),
    ];

    [Fact]
    public void FromConfiguration_NamesEveryMissingSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ContainerAppsJobOptions.FromConfiguration(Config(Complete[..2])));
        foreach (var name in new[] { "ContainerAppsJob__ResourceGroup", "ContainerAppsJob__JobName", "ContainerAppsJob__ContainerName", "ContainerAppsJob__ManagedIdentityClientId" })
            Assert.Contains(name, error.Message);
        Assert.DoesNotContain("SubscriptionId", error.Message);
    }

    [Fact]
    public void FromConfiguration_ReadsAndNormalisesTheEndpoint()
    {
        var options = ContainerAppsJobOptions.FromConfiguration(Config(Complete));
        Assert.Equal(new Uri("https://management.azure.com/"), options.ArmEndpoint);
        Assert.Equal("https://management.azure.com/.default", options.TokenScope);
        Assert.Equal("caj-runner", options.JobName);
    }

    [Fact]
    public void FromConfiguration_RejectsPlainHttpOffLoopback()
    {
        var settings = Complete.Select(s => s.Item1 == "ContainerAppsJob__ArmEndpoint" ? (s.Item1, "http://arm.example.com") : s).ToArray();
        Assert.Contains("https", Assert.Throws<InvalidOperationException>(() => ContainerAppsJobOptions.FromConfiguration(Config(settings))).Message);
    }

    [Fact]
    public void Registration_AddsTheLauncherOnlyWhenSelected()
    {
        var none = new ServiceCollection();
        Assert.False(none.TryAddContainerAppsJobLauncher(Config(Complete)));
        Assert.DoesNotContain(none, d => d.ServiceType == typeof(IJobLauncher));

        var services = new ServiceCollection();
        Assert.True(services.TryAddContainerAppsJobLauncher(Config([.. Complete, ("HardSamples__JobLauncher", "ContainerApps")])));
        using var provider = services.BuildServiceProvider();
        Assert.IsType<ContainerAppsJobLauncher>(provider.GetRequiredService<IJobLauncher>());

        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().TryAddContainerAppsJobLauncher(Config(("HardSamples__JobLauncher", "ContainerApps"))));
    }
}

public sealed class JobEnvironmentTests
{
    private static readonly JobSpec Spec = new()
    {
        RunId = "run-1", JobId = "ssft-ab", Probe = ProbeKind.Ssft, DatasetPrefix = "run-1/data/", OutputPrefix = "run-1/probes/ssft-ab/",
        SecondSplit = "B", Settings = new ProbeSettings { Extra = new Dictionary<string, string> { ["k"] = "v" } },
    };

    [Fact]
    public void EncodeDecode_RoundTrips()
    {
        var decoded = JobEnvironment.Decode(JobEnvironment.Encode(Spec));
        Assert.Equal(Spec with { Settings = decoded.Settings }, decoded);
        Assert.Equal("v", decoded.Settings.Extra["k"]);
        Assert.Equal(ProbeKind.Ssft, decoded.Probe);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("not base64!", "base64")]
    [InlineData("bnVsbA==", "null")] // "null"
    [InlineData("eyJydW5JZCI6MX0=", "valid job spec")] // {"runId":1}
    public void Decode_BadValuesNameTheProblem(string value, string expected)
        => Assert.Contains(expected, Assert.Throws<FormatException>(() => JobEnvironment.Decode(value)).Message);

    [Fact]
    public void Encode_RefusesOversizeSpecsAndMissingIds()
    {
        var huge = Spec with { Settings = new ProbeSettings { Extra = new Dictionary<string, string> { ["x"] = new('a', 40_000) } } };
        Assert.Throws<ArgumentException>(() => JobEnvironment.Encode(huge));
        Assert.Throws<ArgumentException>(() => JobEnvironment.Encode(Spec with { JobId = " " }));
    }
}
