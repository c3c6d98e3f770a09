using System.Reflection;
using HardSamples.Orchestrator.Api;
using HardSamples.Shared.Contracts;
using HardSamples.Workflow;
using HardSamples.Workflow.Status;
using HardSamples.Workflow.Steps;
using HardSamples.Workflow.Tests;
using HardSamples.Workflow.Tests.Fakes;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using static HardSamples.Orchestrator.Tests.Api.HttpTestRequests;

namespace HardSamples.Orchestrator.Tests.Api;

/// <summary>The HTTP handlers called directly with a real DurableTaskClient of the in-memory host.</summary>
public sealed class RunsApiTests : IAsyncLifetime
{
    private WorkflowHarness _h = null!;
    private InMemoryArtifactStore _datasets = null!;
    private RunsApi _api = null!;

    public async Task InitializeAsync()
    {
        _h = await WorkflowHarness.StartAsync();
        _datasets = new InMemoryArtifactStore();
        await _datasets.PutAsync("mnist-10k.zip", new MemoryStream([1, 2, 3]));
        _api = new RunsApi(_h.P.Store, _h.Status, _h.P.Launcher, new DatasetCatalog(_datasets, allowLocalPaths: false), _h.P.Tables,
            new ApiOptions { MaxRunRequestBytes = 4096 });
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private const string ValidBody = """{"runId":"run-api-1","dataset":"datasets/mnist-10k.zip","probes":["ae"],"epochs":2,"wait":{"pollInterval":"00:00:01","timeout":"00:01:00","maxAttempts":1}}""";

    [Fact]
    public async Task A_valid_request_is_accepted_with_status_urls_and_scheduled()
    {
        var request = Json("POST", ValidBody);
        var (status, body) = Read(await _api.StartRun(request, _h.Client, default));

        Assert.Equal(202, status);
        Assert.Equal("run-api-1", body.GetProperty("runId").GetString());
        Assert.Equal("https://app.example/api/runs/run-api-1", body.GetProperty("statusUrl").GetString());
        Assert.Equal("https://app.example/api/runs/run-api-1", request.HttpContext.Response.Headers.Location.ToString());
        Assert.NotNull(await _h.Client.GetInstanceAsync("run-api-1"));
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, (await _h.WaitAsync("run-api-1")).RuntimeStatus);

        var (getStatus, run) = Read(await _api.GetRun(Get(), "run-api-1", _h.Client, default));
        Assert.Equal(200, getStatus);
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal("run-api-1/results/metrics.csv", run.GetProperty("results").GetProperty("metrics.csv").GetString());
    }

    [Theory]
    [InlineData("{not json", "not a valid RunRequest")]
    [InlineData("null", "JSON null")]
    [InlineData("", "empty")]
    [InlineData("""{"dataset":"datasets/mnist-10k.zip","epochz":3}""", "epochz")]
    [InlineData("""{"dataset":"datasets/mnist-10k.zip","epochs":0}""", "epochs 0")]
    [InlineData("""{"dataset":"datasets/mnist-10k.zip","probes":["ae","gan"]}""", "probe 'gan' is unknown")]
    [InlineData("""{"runId":"../../etc","dataset":"datasets/mnist-10k.zip"}""", "runId '../../etc' is invalid")]
    [InlineData("""{"runId":"a/b","dataset":"datasets/mnist-10k.zip"}""", "is invalid")]
    [InlineData("""{"runId":"Run 1","dataset":"datasets/mnist-10k.zip"}""", "is invalid")]
    [InlineData("""{"dataset":"datasets/missing.zip"}""", "Unknown dataset 'datasets/missing.zip'")]
    [InlineData("""{"dataset":"/etc/passwd"}""", "Unknown dataset '/etc/passwd'")]
    [InlineData("""{"dataset":"datasets/../x"}""", "not a valid blob name")]
    [InlineData("""{"dataset":"datasets/mnist-10k.zip","testFraction":0.7}""", "testFraction 0.7 is outside [0, 0.5]")]
    [InlineData("""{"dataset":"datasets/mnist-10k.zip","testFraction":-0.1}""", "testFraction -0.1 is outside")]
    public async Task Bad_requests_get_400_and_schedule_nothing(string body, string expected)
    {
        var (status, error) = Read(await _api.StartRun(Json("POST", body), _h.Client, default));

        Assert.Equal(400, status);
        Assert.Contains(expected, ErrorText(error));
        await AssertNothingScheduledAsync();
    }

    [Fact]
    public async Task A_test_fraction_is_accepted_and_kept_with_the_stored_request()
    {
        var body = ValidBody.Replace("run-api-1", "run-api-tf").Replace("\"epochs\":2", "\"epochs\":2,\"testFraction\":0.2");
        var (status, _) = Read(await _api.StartRun(Json("POST", body), _h.Client, default));

        Assert.Equal(202, status);
        var stored = await ArtifactJson.ReadAsync<RunRequest>(_h.P.Store, RunLayout.Request("run-api-tf"));
        Assert.Equal(0.2, stored.TestFraction);
        await _h.WaitAsync("run-api-tf");
    }

    [Fact]
    public async Task An_oversize_request_gets_413_with_or_without_a_content_length()
    {
        var huge = ValidBody.Replace("\"epochs\":2", "\"epochs\":2,\"probeExtra\":{\"pad\":\"" + new string('x', 5000) + "\"}");
        Assert.Equal(413, Read(await _api.StartRun(Json("POST", huge), _h.Client, default)).Status);
        Assert.Equal(413, Read(await _api.StartRun(Json("POST", huge, sendLength: false), _h.Client, default)).Status);
        await AssertNothingScheduledAsync();
    }

    [Fact]
    public async Task A_non_json_content_type_gets_415()
    {
        Assert.Equal(415, Read(await _api.StartRun(Json("POST", ValidBody, "text/plain"), _h.Client, default)).Status);
        await AssertNothingScheduledAsync();
    }

    [Fact]
    public async Task A_second_start_of_the_same_run_id_is_a_conflict()
    {
        Assert.Equal(202, Read(await _api.StartRun(Json("POST", ValidBody), _h.Client, default)).Status);
        Assert.Equal(409, Read(await _api.StartRun(Json("POST", ValidBody), _h.Client, default)).Status);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a%2Fb")]
    [InlineData("x/../../y")]
    [InlineData("RUN-1")]
    [InlineData("r")]
    public async Task Run_ids_with_path_characters_get_400_on_every_route(string runId)
    {
        Assert.Equal(400, Read(await _api.GetRun(Get(), runId, _h.Client, default)).Status);
        Assert.Equal(400, Read(await _api.GetSample(Get(), runId, "1", default)).Status);
        Assert.Equal(400, Read(await _api.CancelRun(Json("POST", "{}"), runId, _h.Client, default)).Status);
        Assert.Equal(400, Read(await _api.CompleteJob(Json("POST", "{}"), runId, "ae", _h.Client, default)).Status);
        Assert.Equal(400, Read(await _api.CompleteJob(Json("POST", "{}"), "run-ok", runId, _h.Client, default)).Status);
        await AssertNothingScheduledAsync();
    }

    [Fact]
    public async Task Unknown_runs_get_404()
    {
        Assert.Equal(404, Read(await _api.GetRun(Get(), "run-nope", _h.Client, default)).Status);
        Assert.Equal(404, Read(await _api.GetSample(Get(), "run-nope", "3", default)).Status);
        Assert.Equal(404, Read(await _api.CancelRun(Json("POST", "{}"), "run-nope", _h.Client, default)).Status);
        var result = $$"""{"runId":"run-nope","jobId":"ae","probe":"Autoencoder","status":"Succeeded"}""";
        var (status, body) = Read(await _api.CompleteJob(Json("POST", result), "run-nope", "ae", _h.Client, default));
        Assert.True(status == 404, ErrorText(body));
    }

    [Fact]
    public async Task Every_http_route_but_health_requires_a_function_key()
    {
        var triggers = typeof(RunsApi).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters().Select(p => (Method: m, Trigger: p.GetCustomAttribute<HttpTriggerAttribute>())))
            .Where(x => x.Trigger is not null)
            .ToList();
        Assert.True(triggers.Count >= 6);
        foreach (var (method, trigger) in triggers)
        {
            var expected = method.DeclaringType == typeof(HealthFunction) ? AuthorizationLevel.Anonymous : AuthorizationLevel.Function;
            Assert.True(trigger!.AuthLevel == expected, $"{method.DeclaringType!.Name}.{method.Name} is {trigger.AuthLevel}");
        }
    }

    [Fact]
    public async Task Cancel_terminates_a_running_run_and_a_second_cancel_conflicts()
    {
        _h.P.Launcher.DefaultBehavior = FakeJobBehavior.Hang;
        Assert.Equal(202, Read(await _api.StartRun(Json("POST", ValidBody), _h.Client, default)).Status);
        await WaitForAsync(() => _h.P.Launcher.Starts.Total == 1);

        Assert.Equal(202, Read(await _api.CancelRun(Json("POST", "{}"), "run-api-1", _h.Client, default)).Status);
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Terminated, (await _h.WaitAsync("run-api-1")).RuntimeStatus);
        Assert.Equal(1, _h.P.Launcher.Cancels["ae"]);
        Assert.Equal(409, Read(await _api.CancelRun(Json("POST", "{}"), "run-api-1", _h.Client, default)).Status);
        var (_, run) = Read(await _api.GetRun(Get(), "run-api-1", _h.Client, default));
        Assert.Equal("Cancelled", run.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_completion_endpoint_delivers_the_event_and_rejects_mismatched_results()
    {
        _h.P.Launcher.DefaultBehavior = FakeJobBehavior.SucceedSilently; // the job writes its result but nobody raises the event
        var slowPoll = ValidBody.Replace("\"pollInterval\":\"00:00:01\"", "\"pollInterval\":\"00:05:00\"");
        Assert.Equal(202, Read(await _api.StartRun(Json("POST", slowPoll), _h.Client, default)).Status);
        await WaitForAsync(() => _h.P.Store.ExistsAsync("run-api-1/probes/ae/result.json").Result);

        var wrongJob = """{"runId":"run-api-1","jobId":"ssft-ab","probe":"Ssft","status":"Succeeded"}""";
        Assert.Equal(400, Read(await _api.CompleteJob(Json("POST", wrongJob), "run-api-1", "ae", _h.Client, default)).Status);
        var running = """{"runId":"run-api-1","jobId":"ae","probe":"Autoencoder","status":"Running"}""";
        Assert.Equal(400, Read(await _api.CompleteJob(Json("POST", running), "run-api-1", "ae", _h.Client, default)).Status);
        Assert.Equal(400, Read(await _api.CompleteJob(Json("POST", "{\"runId\":"), "run-api-1", "ae", _h.Client, default)).Status);

        var done = """{"runId":"run-api-1","jobId":"ae","probe":"Autoencoder","status":"Succeeded"}""";
        Assert.Equal(202, Read(await _api.CompleteJob(Json("POST", done), "run-api-1", "ae", _h.Client, default)).Status);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20)); // far below the 5-minute poll: the event did it
        var md = await _h.Client.WaitForInstanceCompletionAsync("run-api-1", cts.Token);
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, md.RuntimeStatus);
    }

    [Fact]
    public async Task A_sample_row_is_read_from_its_block_partition()
    {
        Assert.Equal(202, Read(await _api.StartRun(Json("POST", ValidBody), _h.Client, default)).Status);
        await _h.WaitAsync("run-api-1");
        var (pk, rk) = SampleRows.Locate("run-api-1", 2600, RunDefaults.ShardSize);
        await _h.P.Tables.EnsureTableAsync(SampleRows.TableName);
        await _h.P.Tables.UpsertBatchAsync(SampleRows.TableName, [new Shared.Storage.TableRow(pk, rk, new Dictionary<string, object?> { ["rank"] = 7, ["category"] = "mixed" })]);

        var (status, body) = Read(await _api.GetSample(Get(), "run-api-1", "2600", default));
        Assert.Equal(200, status);
        Assert.Equal("mixed", body.GetProperty("values").GetProperty("category").GetString());
        Assert.Equal(404, Read(await _api.GetSample(Get(), "run-api-1", "2601", default)).Status);
        Assert.Equal(400, Read(await _api.GetSample(Get(), "run-api-1", "-1", default)).Status);
        Assert.Equal(400, Read(await _api.GetSample(Get(), "run-api-1", "1e3", default)).Status);
    }

    private async Task AssertNothingScheduledAsync()
    {
        var instances = 0;
        await foreach (var _ in _h.Client.GetAllInstancesAsync()) instances++;
        Assert.Equal(0, instances);
        await foreach (var blob in _h.P.Store.ListAsync()) Assert.Fail($"unexpected artifact {blob.Name}");
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(50);
        }
    }
}
