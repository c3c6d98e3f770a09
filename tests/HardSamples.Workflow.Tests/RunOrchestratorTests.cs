using System.Diagnostics;
using HardSamples.Shared.Contracts;
using HardSamples.Workflow.Status;
using HardSamples.Workflow.Tests.Fakes;
using Microsoft.DurableTask.Client;

namespace HardSamples.Workflow.Tests;

public sealed class RunOrchestratorTests
{
    [Fact]
    public void Test_host_runs_with_the_raised_processor_count()
    {
        // The in-memory service's concurrency cap is the processor count; durable.runsettings raises it.
        Assert.True(Environment.ProcessorCount >= 16, $"ProcessorCount is {Environment.ProcessorCount}; durable.runsettings did not apply.");
    }

    [Fact]
    public async Task Whole_run_completes_and_records_results_in_the_runs_table()
    {
        await using var h = await WorkflowHarness.StartAsync();
        await h.Runs.StartAsync(WorkflowHarness.FastRequest("run-happy"));
        var md = await h.WaitAsync("run-happy");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, md.RuntimeStatus);
        var summary = md.ReadOutputAs<RunSummary>()!;
        Assert.Equal(["ae", "ssft-ab", "ssft-ba"], summary.Jobs.Select(j => j.JobId).Order());
        Assert.All(summary.Jobs, j => Assert.Equal(JobStatus.Succeeded, j.Status));
        Assert.Equal("run-happy/results/correlations.csv", summary.Results["correlations.csv"]);
        Assert.Equal("mixture", summary.Best.Single().Target);

        var row = await h.P.Tables.GetAsync(RunStatusStore.TableName, RunStatusStore.Partition, "run-happy");
        Assert.NotNull(row);
        Assert.Equal("Succeeded", row.Get<string>("Status"));
        Assert.Equal("done", row.Get<string>("Stage"));
        Assert.Equal(1.0, row.Get<double>("Progress"));
        Assert.Equal("run-happy/report/index.html", row.Get<string>("Result_report"));
        Assert.NotNull(row.Properties["FinishedAt"]);
        var progress = md.ReadCustomStatusAs<RunProgress>()!;
        Assert.Equal(RunStages.Done, progress.Stage);
        Assert.Equal(1, h.P.Results.Calls.Total - 3); // one publish per block of 2500 ids (1000 samples) + correlate, rank, report
        Assert.True(h.P.Launcher.EventsRaised.Total == 3, "each job raised its completion event");
    }

    [Fact]
    public async Task Fan_out_of_96_metric_shards_completes_in_seconds()
    {
        var parts = new WorkflowHarness.Parts { Metrics = new FakeMetricStep(lightShards: 90, heavyShards: 6) { ShardDelay = TimeSpan.FromMilliseconds(20) } };
        await using var h = await WorkflowHarness.StartAsync(parts);
        var sw = Stopwatch.StartNew();
        await h.Runs.StartAsync(WorkflowHarness.FastRequest("run-fanout") with { Probes = ["ae"] });
        var md = await h.WaitAsync("run-fanout");
        sw.Stop();

        Assert.Equal(OrchestrationRuntimeStatus.Completed, md.RuntimeStatus);
        Assert.Equal(96, parts.Metrics.Calls.Total - 2); // plan + merge + 96 shards
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"96 shards took {sw.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_failing_activity_is_retried_then_fails_the_run_with_a_readable_error()
    {
        var parts = new WorkflowHarness.Parts { Dataset = new FakeDatasetStep { FailWith = new InvalidDataException("samples.npy: truncated (12 of 800 bytes)") } };
        await using var h = await WorkflowHarness.StartAsync(parts);
        await h.Runs.StartAsync(WorkflowHarness.FastRequest("run-fails"));
        var md = await h.WaitAsync("run-fails");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, md.RuntimeStatus);
        Assert.Equal(3, parts.Dataset.Calls["prepare"]);
        var row = await h.P.Tables.GetAsync(RunStatusStore.TableName, RunStatusStore.Partition, "run-fails");
        Assert.Equal("Failed", row!.Get<string>("Status"));
        var error = row.Get<string>("Error")!;
        Assert.Contains("Stage 'prepare' failed", error);
        Assert.Contains("PrepareDatasetActivity", error);
        Assert.Contains("samples.npy: truncated (12 of 800 bytes)", error);
        Assert.DoesNotContain("   at ", error); // no stack trace
        Assert.Equal(0, h.P.Launcher.Starts.Total);
    }

    [Fact]
    public async Task A_job_whose_completion_event_never_arrives_is_caught_by_the_status_poll()
    {
        var parts = new WorkflowHarness.Parts();
        parts.Launcher.DefaultBehavior = FakeJobBehavior.SucceedSilently;
        await using var h = await WorkflowHarness.StartAsync(parts);
        await h.Runs.StartAsync(WorkflowHarness.FastRequest("run-lost-event", pollMs: 1000) with { Probes = ["ae"] });
        var md = await h.WaitAsync("run-lost-event");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, md.RuntimeStatus);
        Assert.Equal(0, parts.Launcher.EventsRaised.Total);
        Assert.Equal(1, parts.Launcher.Starts["ae"]);
        var job = md.ReadOutputAs<RunSummary>()!.Jobs.Single();
        Assert.Equal((JobStatus.Succeeded, 1, false), (job.Status, job.Attempts, job.Reused));
    }

    [Fact]
    public async Task A_failed_job_is_restarted_within_its_attempts()
    {
        var parts = new WorkflowHarness.Parts();
        parts.Launcher.Plan("ae", FakeJobBehavior.Fail, FakeJobBehavior.Succeed);
        await using var h = await WorkflowHarness.StartAsync(parts);
        await h.Runs.StartAsync(WorkflowHarness.FastRequest("run-retry-job") with { Probes = ["ae"] });
        var md = await h.WaitAsync("run-retry-job");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, md.RuntimeStatus);
        Assert.Equal(2, parts.Launcher.Starts["ae"]);
        Assert.Equal(2, md.ReadOutputAs<RunSummary>()!.Jobs.Single().Attempts);
    }

    [Fact]
    public async Task A_job_failing_every_attempt_fails_the_run_naming_the_job()
    {
        var parts = new WorkflowHarness.Parts();
        parts.Launcher.Plan("ssft-ba", FakeJobBehavior.Fail, FakeJobBehavior.Fail);
        await using var h = await WorkflowHarness.StartAsync(parts);
        await h.Runs.StartAsync(WorkflowHarness.FastRequest("run-job-fails"));
        var md = await h.WaitAsync("run-job-fails");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, md.RuntimeStatus);
        var manifest = await h.Status.GetAsync("run-job-fails");
        Assert.Equal(RunStatus.Failed, manifest!.Status);
        Assert.Contains("job 'ssft-ba' failed after 2 attempt(s): fake failure of ssft-ba", manifest.Error);
        Assert.Equal(0, parts.Metrics.Calls.Total);
    }

    [Fact]
    public async Task A_hanging_job_times_out_and_is_cancelled()
    {
        var parts = new WorkflowHarness.Parts();
        parts.Launcher.DefaultBehavior = FakeJobBehavior.Hang;
        await using var h = await WorkflowHarness.StartAsync(parts);
        var request = WorkflowHarness.FastRequest("run-timeout") with
        {
            Probes = ["ae"],
            Wait = new JobWaitPolicy { PollInterval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(2), MaxAttempts = 1 },
        };
        await h.Runs.StartAsync(request);
        var md = await h.WaitAsync("run-timeout");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, md.RuntimeStatus);
        Assert.Equal(1, parts.Launcher.Cancels["ae"]);
        Assert.Contains("did not finish within", (await h.Status.GetAsync("run-timeout"))!.Error);
    }

    [Fact]
    public async Task Cancel_stops_the_run_and_its_jobs()
    {
        var parts = new WorkflowHarness.Parts();
        parts.Launcher.DefaultBehavior = FakeJobBehavior.Hang;
        await using var h = await WorkflowHarness.StartAsync(parts);
        await h.Runs.StartAsync(WorkflowHarness.FastRequest("run-cancel"));
        await WaitUntilAsync(() => parts.Launcher.Starts.Total == 3);

        Assert.True(await h.Runs.CancelAsync("run-cancel", "user request"));
        var md = await h.WaitAsync("run-cancel");

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, md.RuntimeStatus);
        Assert.Equal(3, parts.Launcher.Cancels.Total);
        var manifest = await h.Status.GetAsync("run-cancel");
        Assert.Equal(RunStatus.Cancelled, manifest!.Status);
        await Task.Delay(1500); // a late poll must not revive it
        Assert.Equal(RunStatus.Cancelled, (await h.Status.GetAsync("run-cancel"))!.Status);
        Assert.Equal(0, parts.Metrics.Calls.Total);
        Assert.False(await h.Runs.CancelAsync("run-cancel", "again"));
    }

    [Fact]
    public async Task A_killed_run_resumes_without_redoing_finished_jobs_and_steps()
    {
        var parts = new WorkflowHarness.Parts();
        parts.Launcher.Plan("ssft-ab", FakeJobBehavior.Hang);
        parts.Launcher.Plan("ssft-ba", FakeJobBehavior.Hang);
        var first = await WorkflowHarness.StartAsync(parts);
        await first.Runs.StartAsync(WorkflowHarness.FastRequest("run-resume"));
        await WaitUntilAsync(async () => await parts.Store.ExistsAsync(RunLayout.Probe("run-resume", "ae") + "result.json"));
        await first.DisposeAsync(); // the process dies: the in-memory orchestration state is gone,
        parts.Launcher.ForgetExecutions(); // and so are its in-process jobs

        await using var second = await WorkflowHarness.StartAsync(parts);
        await second.Runs.ResumeAsync("run-resume");
        var md = await second.WaitAsync("run-resume");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, md.RuntimeStatus);
        Assert.Equal(1, parts.Dataset.Calls["prepare"]);
        Assert.Equal(1, parts.Launcher.Starts["ae"]);
        Assert.Equal(2, parts.Launcher.Starts["ssft-ab"]);
        var ae = md.ReadOutputAs<RunSummary>()!.Jobs.Single(j => j.JobId == "ae");
        Assert.True(ae.Reused);
        Assert.Equal(RunStatus.Succeeded, (await second.Status.GetAsync("run-resume"))!.Status);
    }

    [Fact]
    public async Task Heavy_shards_of_large_sets_run_as_metric_jobs()
    {
        var parts = new WorkflowHarness.Parts { Dataset = new FakeDatasetStep(count: 5000), Metrics = new FakeMetricStep(lightShards: 2, heavyShards: 3) };
        await using var h = await WorkflowHarness.StartAsync(parts);
        await h.Runs.StartAsync(WorkflowHarness.FastRequest("run-metric-jobs") with { Probes = ["ae"], MetricJobThreshold = 1000 });
        var md = await h.WaitAsync("run-metric-jobs");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, md.RuntimeStatus);
        Assert.Equal(3, parts.Launcher.Starts.Total - 1);
        Assert.Equal(1, parts.Launcher.Starts["metrics-lid-epoch-000"]);
        Assert.Equal(0, parts.Metrics.Calls["shard:lid-epoch-000"]);
        Assert.Equal(1, parts.Metrics.Calls["shard:series-shard-000"]);
        var spec = await ArtifactJson.ReadAsync<JobSpec>(parts.Store, RunLayout.MetricPart("run-metric-jobs", "lid-epoch-001") + "job.json");
        Assert.Equal(ProbeKind.Metrics, spec.Probe);
        Assert.Equal("lid", spec.Settings.Extra["family"]);
    }

    [Fact]
    public async Task Starting_a_run_id_twice_is_a_conflict_and_schedules_nothing()
    {
        await using var h = await WorkflowHarness.StartAsync();
        await h.Runs.StartAsync(WorkflowHarness.FastRequest("run-twice"));
        await Assert.ThrowsAsync<RunConflictException>(() => h.Runs.StartAsync(WorkflowHarness.FastRequest("run-twice")));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await h.WaitAsync("run-twice")).RuntimeStatus);
        Assert.Equal(1, h.P.Dataset.Calls["prepare"]);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, int timeoutMs = 20000)
    {
        var sw = Stopwatch.StartNew();
        while (!await condition())
        {
            if (sw.ElapsedMilliseconds > timeoutMs) throw new TimeoutException("condition not met");
            await Task.Delay(50);
        }
    }

    private static Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 20000) => WaitUntilAsync(() => Task.FromResult(condition()), timeoutMs);
}
