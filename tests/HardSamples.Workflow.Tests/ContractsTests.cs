using HardSamples.Shared.Metrics.Shards;
using HardSamples.Shared.Contracts;
using HardSamples.Workflow.Jobs;
using HardSamples.Workflow.Status;
using HardSamples.Workflow.Tests.Fakes;

namespace HardSamples.Workflow.Tests;

public sealed class ContractsTests
{
    [Theory]
    [InlineData("run-1", true)]
    [InlineData("abc", true)]
    [InlineData("ab", false)]
    [InlineData("Run-1", false)]
    [InlineData("run/1", false)]
    [InlineData("../x", false)]
    [InlineData("run 1", false)]
    [InlineData("run-", false)]
    [InlineData("-run", false)]
    [InlineData("run#1", false)]
    public void Run_ids_are_safe_path_segments_and_table_keys(string id, bool valid) => Assert.Equal(valid, RunIds.IsValid(id));

    [Fact]
    public void Job_ids_may_be_short()
    {
        Assert.True(RunIds.IsValidJobId("ae"));
        Assert.False(RunIds.IsValidJobId("a/b"));
        Assert.Throws<ArgumentException>(() => RunIds.ValidateJobId(".."));
    }

    [Fact]
    public void Upload_run_ids_are_stable_per_name_and_etag()
    {
        var a = RunIds.ForUpload("mnist 10k.zip", "\"0x1\"");
        Assert.Equal(a, RunIds.ForUpload("mnist 10k.zip", "0x1"));
        Assert.NotEqual(a, RunIds.ForUpload("mnist 10k.zip", "0x2"));
        Assert.NotEqual(a, RunIds.ForUpload("other.zip", "0x1"));
        Assert.True(RunIds.IsValid(a), a);
        Assert.True(RunIds.IsValid(RunIds.ForUpload(new string('x', 300) + ".zip", "e")));
        Assert.True(RunIds.IsValid(RunIds.ForUpload("日本.zip", "e")));
    }

    [Fact]
    public void The_validator_names_every_problem()
    {
        var errors = RunRequestValidator.Validate(new RunRequest
        {
            RunId = "BAD ID", Dataset = "", Probes = ["ae", "nope"], Epochs = 0, ShardSize = 5,
            Corruption = new CorruptionRequest { MixRate = 0.9 }, Wait = new JobWaitPolicy { MaxAttempts = 0 }, SsftArchitecture = "vgg",
        });
        foreach (var fragment in new[] { "runId", "dataset", "probe 'nope'", "epochs 0", "shardSize", "corruption.mixRate", "wait.maxAttempts", "ssftArchitecture" })
            Assert.Contains(errors, e => e.Contains(fragment));
        Assert.Empty(RunRequestValidator.Validate(new RunRequest()));
    }

    [Fact]
    public void Planned_jobs_cover_ae_and_both_ssft_directions()
    {
        var data = new PreparedDatasetRef("r1/data/", 100, 1, 28, 28, 10, true, ["shard-000"], new Dictionary<string, int>(), "x");
        var jobs = JobPlanner.PlanProbes("r1", new RunRequest { Probes = ["ae", "ssft", "ae-ssft"], Epochs = 7, SsftEpochs = 3, SsftArchitecture = "lenet" }, data);
        Assert.Equal(["ae", "ssft-ab", "ssft-ba", "ae-ssft-ab", "ae-ssft-ba"], jobs.Select(j => j.JobId));
        Assert.Equal(("A", "B"), (jobs[1].Split, jobs[1].SecondSplit));
        Assert.Equal(("B", "A"), (jobs[2].Split, jobs[2].SecondSplit));
        Assert.Equal("lenet", jobs[1].Settings.Architecture);
        Assert.Equal(7, jobs[0].Epochs);
        Assert.Equal(32, jobs[0].Settings.BatchSize); // automatic: 100 samples → the smallest batch
        Assert.Equal(256, JobPlanner.PlanProbes("r1", new RunRequest { Probes = ["ae"] }, data with { Count = 57_000 })[0].Settings.BatchSize);
        Assert.Equal("r1/probes/ssft-ba/", jobs[2].OutputPrefix);
        var smallBatch = JobPlanner.PlanProbes("r1", new RunRequest { Probes = ["ae"], AutoencoderBatchSize = 128 }, data);
        Assert.Equal(128, smallBatch[0].Settings.BatchSize);
        Assert.Contains("autoencoderBatchSize 0", string.Join("\n", RunRequestValidator.Validate(new RunRequest { AutoencoderBatchSize = 0 })));
        var unlabeled = data with { HasLabels = false };
        Assert.Contains("needs labels", Assert.Throws<ArgumentException>(() => JobPlanner.PlanProbes("r1", new RunRequest { Probes = ["ssft"] }, unlabeled)).Message);
    }

    [Theory]
    [InlineData(1, 32)]
    [InlineData(9_599, 32)]
    [InlineData(9_600, 64)]
    [InlineData(57_000, 256)]
    [InlineData(76_800, 512)]
    [InlineData(1_000_000, 512)]
    public void The_automatic_autoencoder_batch_aims_at_150_steps_an_epoch(int samples, int batch)
        => Assert.Equal(batch, RunDefaults.AutoencoderBatchFor(samples));

    [Fact]
    public void A_metric_job_carries_its_shard_and_run()
    {
        var data = new PreparedDatasetRef("r1/data/", 100, 1, 28, 28, 10, true, ["shard-000"], new Dictionary<string, int>(), "x");
        var run = new RunArtifacts("r1", data, [new JobOutcome("ae", ProbeKind.Autoencoder, "r1/probes/ae/", JobStatus.Succeeded, 1, false)]);
        var shard = new MetricShardSpec("lid", "epoch-0010", true, new Dictionary<string, string> { ["epoch"] = "10", ["epochs"] = "20" });
        var spec = JobPlanner.MetricJob(new RunRequest(), run, shard, "r1/metrics/parts/lid-epoch-0010/");
        Assert.Equal(ProbeKind.Metrics, spec.Probe);
        Assert.True(RunIds.IsValidJobId(spec.JobId), spec.JobId);
        var request = AutoencoderShardRequest.FromSettings(spec.Settings.Extra);
        Assert.Equal(new AutoencoderShardRequest("lid", 10, 0, 0, 20, "r1/probes/ae/", "r1/data/"), request);
        Assert.Equal("epoch-0010", spec.Settings.Extra["key"]);
        Assert.Throws<InvalidDataException>(() => AutoencoderShardRequest.FromSettings(new ProbeSettings().Extra));
        Assert.Contains("aePrefix", Assert.Throws<InvalidDataException>(() => AutoencoderShardRequest.FromSettings(
            new Dictionary<string, string>(spec.Settings.Extra) { ["aePrefix"] = "../etc/" })).Message);
        Assert.Throws<InvalidOperationException>(() => JobPlanner.MetricJob(new RunRequest(), run with { Jobs = [] }, shard, "r1/x/"));
        Assert.Throws<InvalidOperationException>(() => JobPlanner.MetricJob(new RunRequest(), run, shard with { Family = "ssft" }, "r1/x/"));
    }

    [Fact]
    public void Sample_rows_are_located_by_id_and_block_size()
    {
        Assert.Equal(("r1-s00002", "00005001"), SampleRows.Locate("r1", 5001, 2500));
        Assert.Equal([(0, 0, 2500), (1, 2500, 2500), (2, 5000, 1)], SampleRows.Blocks(5001, 2500));
        Assert.Empty(SampleRows.Blocks(0, 10));
    }

    [Fact]
    public void Stage_progress_is_monotonic()
    {
        var last = -1.0;
        foreach (var (stage, _) in RunStages.All)
        {
            Assert.True(RunStages.Overall(stage, 0) >= last);
            last = RunStages.Overall(stage, 1);
        }
        Assert.Equal(1.0, last, 9);
    }

    [Fact]
    public async Task The_status_store_keeps_cancelled_runs_cancelled_until_an_explicit_restart()
    {
        var store = new RunStatusStore(new InMemoryArtifactStore(), new InMemoryTableStore());
        var t = DateTimeOffset.UtcNow;
        await store.ApplyAsync(new RunStatusUpdate("r-1", RunStatus.Running, "probes", 0.3, t, Results: new Dictionary<string, string> { ["a"] = "x" }));
        await store.ApplyAsync(new RunStatusUpdate("r-1", RunStatus.Cancelled, "probes", 0.3, t.AddSeconds(1)));
        var late = await store.ApplyAsync(new RunStatusUpdate("r-1", RunStatus.Running, "metrics", 0.7, t.AddSeconds(2)));
        Assert.Equal(RunStatus.Cancelled, late.Status);
        var restarted = await store.ApplyAsync(new RunStatusUpdate("r-1", RunStatus.Pending, "pending", 0, t.AddSeconds(3)));
        Assert.Equal(RunStatus.Pending, restarted.Status);
        Assert.Equal("x", restarted.Results["a"]);
        Assert.Equal(t, restarted.CreatedAt);
        var failed = await store.ApplyAsync(new RunStatusUpdate("r-1", RunStatus.Failed, "metrics", 0.7, t.AddSeconds(4), Error: new string('e', 20000)));
        Assert.True(failed.Error!.Length <= RunStatusStore.MaxErrorLength + 1);
        Assert.NotNull(failed.FinishedAt);
        Assert.Single(await store.ListAsync());
    }
}
