using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using HardSamples.Orchestrator.Jobs;
using HardSamples.Shared.Contracts;
using HardSamples.Workflow.Jobs;

namespace HardSamples.Orchestrator.Tests.Jobs;

/// <summary>The Container Apps launcher against a fake ARM endpoint on loopback.</summary>
public sealed class ContainerAppsJobLauncherTests : IAsyncLifetime
{
    private const string JobPath = "/subscriptions/sub-1/resourceGroups/rg-hs/providers/Microsoft.App/jobs/caj-runner";
    private const string JobJson = """
        {
          "id": "/subscriptions/sub-1/resourceGroups/rg-hs/providers/Microsoft.App/jobs/caj-runner",
          "name": "caj-runner",
          "properties": {
            "template": {
              "containers": [
                {
                  "name": "runner",
                  "image": "crhs.azurecr.io/hardsamples-runner:abc",
                  "resources": { "cpu": 8, "memory": "56Gi" },
                  "env": [
                    { "name": "AZURE_CLIENT_ID", "value": "runner-client" },
                    { "name": "HARDSAMPLES_JOB_SPEC", "value": "stale" }
                  ],
                  "probes": []
                }
              ]
            }
          }
        }
        """;

    private FakeArmServer _arm = null!;
    private readonly FakeTokenCredential _credential = new();
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _arm = await FakeArmServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _arm.DisposeAsync();
    }

    private ContainerAppsJobLauncher Launcher(int maxAttempts = 4, TimeSpan? maxBackoff = null) => new(_http, _credential, new ContainerAppsJobOptions
    {
        ArmEndpoint = _arm.BaseUri,
        SubscriptionId = "sub-1",
        ResourceGroup = "rg-hs",
        JobName = "caj-runner",
        ContainerName = "runner",
        MaxAttempts = maxAttempts,
        InitialBackoff = TimeSpan.FromMilliseconds(5),
        MaxBackoff = maxBackoff ?? TimeSpan.FromMilliseconds(50),
    });

    private static JobSpec Spec(string jobId = "ae") => new()
    {
        RunId = "run-42",
        JobId = jobId,
        Probe = ProbeKind.Autoencoder,
        DatasetPrefix = "run-42/data/",
        OutputPrefix = $"run-42/probes/{jobId}/",
        Epochs = 3,
    };

    private static JobHandle Handle(string execution = "caj-runner-x1") => new("run-42", "ae", execution, ContainerAppsJobLauncher.LauncherKind);

    private void ScriptStart(string executionName = "caj-runner-x1")
    {
        _arm.Reply("GET", JobPath + "/executions", new FakeReply(200, """{"value":[]}"""));
        _arm.Reply("GET", JobPath, new FakeReply(200, JobJson));
        _arm.Reply("POST", JobPath + "/start", new FakeReply(202, $$"""{"id":"{{JobPath}}/executions/{{executionName}}","name":"{{executionName}}"}"""));
    }

    [Fact]
    public async Task Start_PostsTemplateOverrideCarryingTheSpec()
    {
        ScriptStart();
        var spec = Spec();

        var handle = await Launcher().StartAsync(spec);

        Assert.Equal(new JobHandle("run-42", "ae", "caj-runner-x1", "ContainerApps"), handle);
        var start = Assert.Single(_arm.RequestsTo("POST", JobPath + "/start"));
        Assert.Equal("?api-version=2024-03-01", start.Query);
        Assert.Equal("Bearer fake-arm-token", start.Authorization);
        Assert.StartsWith("application/json", start.ContentType);
        Assert.Equal(["https://management.azure.com/.default"], _credential.Scopes.Distinct());

        var container = Assert.Single(JsonNode.Parse(start.Body)!["containers"]!.AsArray())!;
        Assert.Equal("runner", (string?)container["name"]);
        Assert.Equal("crhs.azurecr.io/hardsamples-runner:abc", (string?)container["image"]);
        Assert.Equal("56Gi", (string?)container["resources"]!["memory"]);
        Assert.Null(container["probes"]); // not part of an execution override
        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        Assert.Equal("runner-client", env["AZURE_CLIENT_ID"]);
        Assert.Equal("run-42/ae", env[JobEnvironment.JobKeyVariable]);
        Assert.Equal(3, env.Count); // the stale spec was replaced, not duplicated
        Assert.Equal(spec, JobEnvironment.Decode(env[JobEnvironment.SpecVariable]!) with { Settings = spec.Settings });
        Assert.Equal(spec.Settings.BatchSize, JobEnvironment.Decode(env[JobEnvironment.SpecVariable]!).Settings.BatchSize);
        Assert.All(_arm.Requests, r => Assert.Equal("?api-version=2024-03-01", r.Query));
    }

    [Fact]
    public async Task Start_ReusesAnUnfinishedOrSucceededExecutionOfTheSameJob()
    {
        _arm.Reply("GET", JobPath + "/executions", new FakeReply(200, $$$$"""
            {"value":[
              {"name":"caj-runner-old","properties":{"status":"Failed","template":{"containers":[{"name":"runner","env":[{"name":"HARDSAMPLES_JOB_KEY","value":"run-42/ae"}]}]}}},
              {"name":"caj-runner-other","properties":{"status":"Running","template":{"containers":[{"name":"runner","env":[{"name":"HARDSAMPLES_JOB_KEY","value":"run-42/ssft-ab"}]}]}}}
            ],"nextLink":"{{{{_arm.BaseUri}}}}{{{{JobPath.TrimStart('/')}}}}/executions2?api-version=2024-03-01"}
            """));
        _arm.Reply("GET", JobPath + "/executions2", new FakeReply(200, """
            {"value":[{"name":"caj-runner-live","properties":{"status":"Running","template":{"containers":[{"name":"runner","env":[{"name":"HARDSAMPLES_JOB_KEY","value":"run-42/ae"}]}]}}}]}
            """));

        var handle = await Launcher().StartAsync(Spec());

        Assert.Equal("caj-runner-live", handle.ExecutionId);
        Assert.Empty(_arm.RequestsTo("POST", JobPath + "/start"));
    }

    [Fact]
    public async Task Start_StartsAgainWhenTheEarlierExecutionFailed()
    {
        _arm.Reply("GET", JobPath + "/executions", new FakeReply(200, """
            {"value":[{"name":"caj-runner-old","properties":{"status":"Failed","template":{"containers":[{"name":"runner","env":[{"name":"HARDSAMPLES_JOB_KEY","value":"run-42/ae"}]}]}}}]}
            """));
        _arm.Reply("GET", JobPath, new FakeReply(200, JobJson));
        _arm.Reply("POST", JobPath + "/start", new FakeReply(200, """{"name":"caj-runner-new"}"""));

        var handle = await Launcher().StartAsync(Spec());

        Assert.Equal("caj-runner-new", handle.ExecutionId);
    }

    [Fact]
    public async Task Status_FollowsRunningThenSucceeded()
    {
        _arm.Reply("GET", JobPath + "/executions/caj-runner-x1",
            new FakeReply(200, """{"name":"caj-runner-x1","properties":{"status":"Processing"}}"""),
            new FakeReply(200, """{"name":"caj-runner-x1","properties":{"status":"Running","startTime":"2026-01-01T00:00:00Z"}}"""),
            new FakeReply(200, """{"name":"caj-runner-x1","properties":{"status":"Succeeded","startTime":"2026-01-01T00:00:00Z","endTime":"2026-01-01T00:10:00Z"}}"""));
        var launcher = Launcher();

        var states = new List<JobStatus>();
        for (var i = 0; i < 3; i++) states.Add((await launcher.GetStatusAsync(Handle())).Status);

        Assert.Equal([JobStatus.Running, JobStatus.Running, JobStatus.Succeeded], states);
        Assert.All(_arm.Requests, r => Assert.Equal("Bearer fake-arm-token", r.Authorization));
    }

    [Fact]
    public async Task Status_FailedExecutionSurfacesAsFailedWithItsName()
    {
        _arm.Reply("GET", JobPath + "/executions/caj-runner-x1",
            new FakeReply(200, """{"name":"caj-runner-x1","properties":{"status":"Running"}}"""),
            new FakeReply(200, """{"name":"caj-runner-x1","properties":{"status":"Failed","startTime":"2026-01-01T00:00:00Z","endTime":"2026-01-01T00:01:00Z"}}"""));
        var launcher = Launcher();

        Assert.Equal(JobStatus.Running, (await launcher.GetStatusAsync(Handle())).Status);
        var state = await launcher.GetStatusAsync(Handle());

        Assert.Equal(JobStatus.Failed, state.Status);
        Assert.Contains("caj-runner-x1", state.Message);
        Assert.Contains("Failed", state.Message);
    }

    [Theory]
    [InlineData("Stopped", JobStatus.Cancelled)]
    [InlineData("Degraded", JobStatus.Failed)]
    [InlineData("Unknown", JobStatus.Running)]
    public async Task Status_MapsEveryArmState(string armStatus, JobStatus expected)
    {
        _arm.Reply("GET", JobPath + "/executions/caj-runner-x1", new FakeReply(200, $$$"""{"properties":{"status":"{{{armStatus}}}"}}"""));
        Assert.Equal(expected, (await Launcher().GetStatusAsync(Handle())).Status);
    }

    [Fact]
    public async Task Status_MissingExecutionIsAFailure()
    {
        var state = await Launcher().GetStatusAsync(Handle("caj-runner-gone"));
        Assert.Equal(JobStatus.Failed, state.Status);
        Assert.Contains("caj-runner-gone", state.Message);
    }

    [Fact]
    public async Task Throttling_429IsRetriedHonouringRetryAfter()
    {
        _arm.Reply("GET", JobPath + "/executions/caj-runner-x1",
            new FakeReply(429, """{"error":{"code":"TooManyRequests","message":"slow down"}}""", new Dictionary<string, string> { ["Retry-After"] = "0" }),
            new FakeReply(429, null, new Dictionary<string, string> { ["Retry-After"] = "0" }),
            new FakeReply(200, """{"properties":{"status":"Succeeded"}}"""));

        var state = await Launcher().GetStatusAsync(Handle());

        Assert.Equal(JobStatus.Succeeded, state.Status);
        Assert.Equal(3, _arm.RequestsTo("GET", JobPath + "/executions/caj-runner-x1").Count);
    }

    [Fact]
    public async Task RetryAfter_IsCappedByMaxBackoff()
    {
        _arm.Reply("GET", JobPath + "/executions/caj-runner-x1",
            new FakeReply(429, null, new Dictionary<string, string> { ["Retry-After"] = "30" }),
            new FakeReply(200, """{"properties":{"status":"Running"}}"""));
        var watch = Stopwatch.StartNew();

        await Launcher(maxBackoff: TimeSpan.FromMilliseconds(100)).GetStatusAsync(Handle());

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"waited {watch.Elapsed}");
        Assert.Equal(2, _arm.Requests.Count);
    }

    [Fact]
    public async Task ServerErrors_503IsRetriedOnStart()
    {
        _arm.Reply("GET", JobPath + "/executions", new FakeReply(200, """{"value":[]}"""));
        _arm.Reply("GET", JobPath, new FakeReply(503), new FakeReply(200, JobJson));
        _arm.Reply("POST", JobPath + "/start", new FakeReply(503), new FakeReply(500), new FakeReply(202, """{"name":"caj-runner-x2"}"""));

        var handle = await Launcher().StartAsync(Spec());

        Assert.Equal("caj-runner-x2", handle.ExecutionId);
        Assert.Equal(3, _arm.RequestsTo("POST", JobPath + "/start").Count);
        Assert.Equal(2, _arm.RequestsTo("GET", JobPath).Count);
    }

    [Fact]
    public async Task ServerErrors_PersistentOnesSurfaceAfterBoundedAttempts()
    {
        _arm.Reply("GET", JobPath + "/executions", new FakeReply(200, """{"value":[]}"""));
        _arm.Reply("GET", JobPath, new FakeReply(200, JobJson));
        _arm.Reply("POST", JobPath + "/start", new FakeReply(503, """{"error":{"code":"ServiceUnavailable","message":"try later"}}"""));

        var error = await Assert.ThrowsAsync<ContainerAppsJobException>(() => Launcher(maxAttempts: 3).StartAsync(Spec()));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(3, error.Attempts);
        Assert.Equal("ServiceUnavailable", error.ArmErrorCode);
        Assert.Contains("start job", error.Message);
        Assert.Contains("try later", error.Message);
        Assert.Equal(3, _arm.RequestsTo("POST", JobPath + "/start").Count);
    }

    [Fact]
    public async Task ServerErrors_PersistentOnStatusSurfaceToo()
    {
        _arm.Reply("GET", JobPath + "/executions/caj-runner-x1", new FakeReply(500));
        var error = await Assert.ThrowsAsync<ContainerAppsJobException>(() => Launcher(maxAttempts: 2).GetStatusAsync(Handle()));
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(2, _arm.Requests.Count);
    }

    [Fact]
    public async Task ClientErrors_AreNotRetriedAndNameTheMissingPermission()
    {
        _arm.Reply("GET", JobPath + "/executions", new FakeReply(200, """{"value":[]}"""));
        _arm.Reply("GET", JobPath, new FakeReply(200, JobJson));
        _arm.Reply("POST", JobPath + "/start", new FakeReply(403, """{"error":{"code":"AuthorizationFailed","message":"no jobs/start/action"}}"""));

        var error = await Assert.ThrowsAsync<ContainerAppsJobException>(() => Launcher().StartAsync(Spec()));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("AuthorizationFailed", error.ArmErrorCode);
        Assert.Contains("job-launcher role", error.Message);
        Assert.Single(_arm.RequestsTo("POST", JobPath + "/start"));
    }

    [Fact]
    public async Task Start_JobWithoutTheConfiguredContainerFailsClearly()
    {
        _arm.Reply("GET", JobPath + "/executions", new FakeReply(200, """{"value":[]}"""));
        _arm.Reply("GET", JobPath, new FakeReply(200, JobJson.Replace("\"name\": \"runner\"", "\"name\": \"main\"")));

        var error = await Assert.ThrowsAsync<ContainerAppsJobException>(() => Launcher().StartAsync(Spec()));

        Assert.Contains("no container named 'runner'", error.Message);
        Assert.Empty(_arm.RequestsTo("POST", JobPath + "/start"));
    }

    [Fact]
    public async Task Cancel_StopsTheExecution()
    {
        _arm.Reply("POST", JobPath + "/executions/caj-runner-x1/stop", new FakeReply(503), new FakeReply(202));

        await Launcher().CancelAsync(Handle());

        var stops = _arm.RequestsTo("POST", JobPath + "/executions/caj-runner-x1/stop");
        Assert.Equal(2, stops.Count);
        Assert.Equal("Bearer fake-arm-token", stops[1].Authorization);
        Assert.Equal("?api-version=2024-03-01", stops[1].Query);
    }

    [Fact]
    public async Task Cancel_OfAVanishedExecutionIsANoOp()
    {
        await Launcher().CancelAsync(Handle("caj-runner-gone"));
        Assert.Single(_arm.Requests);
    }

    [Fact]
    public async Task Handles_FromOtherLaunchersOrWithPathCharactersAreRejected()
    {
        var launcher = Launcher();
        await Assert.ThrowsAsync<ArgumentException>(() => launcher.GetStatusAsync(Handle() with { Launcher = "LocalProcess" }));
        await Assert.ThrowsAsync<ArgumentException>(() => launcher.CancelAsync(Handle("../../jobs/other")));
        Assert.Empty(_arm.Requests);
    }

    [Fact]
    public async Task NextLink_ToAnotherHostIsRefused()
    {
        _arm.Reply("GET", JobPath + "/executions", new FakeReply(200, """{"value":[],"nextLink":"https://attacker.example/steal"}"""));
        var error = await Assert.ThrowsAsync<ContainerAppsJobException>(() => Launcher().StartAsync(Spec()));
        Assert.Contains("attacker.example", error.Message);
    }
}
