using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using HardSamples.Shared.Storage.Azure;
using HardSamples.Shared.Storage.Local;
using HardSamples.TestSupport;

namespace HardSamples.IntegrationTests;

/// <summary>
/// The real pipeline through the CLI (same orchestrator as Azure, in-process host, real probes on the CPU) on a small
/// slice of the bundled sample: against Azurite, and killed then resumed on local storage.
/// </summary>
public sealed partial class WorkflowEndToEndTests : IClassFixture<AzuriteFixture>
{
    private static readonly string[] Small = ["--max-samples", "600", "--epochs", "3", "--ssft-epochs", "2", "--plain"];
    private readonly AzuriteFixture _azurite;

    public WorkflowEndToEndTests(AzuriteFixture azurite) => _azurite = azurite;

    [Fact]
    public async Task A_run_against_azurite_writes_every_result_and_its_runs_row()
    {
        using var cli = CliRunner.Start(["run", "--storage", _azurite.ConnectionString, "--run-id", "it-azurite", .. Small]);
        var code = await cli.WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(code == 0, cli.Output);

        var runs = new BlobServiceClient(_azurite.ConnectionString, AzureBlobArtifactStore.CreateClientOptions()).GetBlobContainerClient("runs");
        foreach (var name in new[] { "manifest.json", "request.json", "data/manifest.json", "probes/ae/result.json", "probes/ssft-ab/result.json",
                     "probes/ssft-ba/result.json", "results/metrics.parquet", "results/metrics.csv", "results/correlations.csv", "results/ranking.csv", "report/index.html" })
            Assert.True(await runs.GetBlobClient("it-azurite/" + name).ExistsAsync(), $"missing it-azurite/{name}");
        var correlations = (await runs.GetBlobClient("it-azurite/results/correlations.csv").DownloadContentAsync()).Value.Content.ToString();
        Assert.StartsWith("metric,target,srcc,abs_srcc,auc,auc_oriented", correlations);
        Assert.Contains(",mixture,", correlations);

        var runsTable = new TableServiceClient(_azurite.ConnectionString).GetTableClient("Runs");
        var row = (await runsTable.GetEntityAsync<TableEntity>("runs", "it-azurite")).Value;
        Assert.Equal("Succeeded", row.GetString("Status"));
        Assert.Equal("it-azurite/results/correlations.csv", row.GetString("Result_correlations_csv"));
        var samples = new TableServiceClient(_azurite.ConnectionString).GetTableClient("Samples");
        var sample = (await samples.GetEntityAsync<TableEntity>("it-azurite-s00000", "00000007")).Value;
        Assert.True(sample.GetInt32("Rank") >= 1);
    }

    [Fact]
    public async Task A_killed_run_resumes_without_redoing_finished_jobs()
    {
        using var dir = new TempDirectory("resume");
        var runsFolder = Path.Combine(dir.Path, "runs");
        var store = new LocalArtifactStore(runsFolder);
        string[] args = ["run", "--out", runsFolder, "--run-id", "it-resume", .. Small];
        string finished;
        using (var first = CliRunner.Start(args))
        {
            finished = await FirstFinishedJobAsync(store, first);
            first.Kill();
        }
        var result = $"it-resume/probes/{finished}/result.json";
        var before = await store.GetInfoAsync(result);
        Assert.NotNull(before);

        using var second = CliRunner.Start("run", "--out", runsFolder, "--resume", "it-resume", "--plain");
        var code = await second.WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(code == 0, second.Output);
        Assert.Matches(new Regex($@"job {Regex.Escape(finished)}\s+reused"), second.Output);
        var after = await store.GetInfoAsync(result);
        Assert.Equal(before!.ETag, after!.ETag);
        Assert.Equal(before.LastModified, after.LastModified);
        Assert.True(await store.ExistsAsync("it-resume/report/index.html"));
    }

    [Fact]
    public async Task Heavy_metric_shards_run_as_gpurunner_metrics_jobs_in_child_processes_and_contrastive_feeds_the_table()
    {
        using var dir = new TempDirectory("metricjobs");
        var runsFolder = Path.Combine(dir.Path, "runs");
        var store = new LocalArtifactStore(runsFolder);
        using var cli = CliRunner.Start(["run", "--out", runsFolder, "--run-id", "it-metricjobs", "--launcher", "process",
            "--probes", "ae,contrastive", "--metric-job-threshold", "100", .. Small]);
        var code = await cli.WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(code == 0, cli.Output);

        var results = new List<string>();
        await foreach (var info in store.ListAsync("it-metricjobs/"))
            if (info.Name.EndsWith("/result.json", StringComparison.Ordinal) && info.Name.Contains("/metrics/parts/", StringComparison.Ordinal)) results.Add(info.Name);
        Assert.NotEmpty(results); // lid, silhouette, extended and neardup shards became jobs
        foreach (var name in results)
        {
            await using var s = await store.OpenReadAsync(name);
            var result = HardSamples.Shared.Contracts.ContractJson.ParseResult(await new StreamReader(s).ReadToEndAsync(), name);
            Assert.Equal(HardSamples.Shared.Contracts.JobStatus.Succeeded, result.Status);
            Assert.Equal(HardSamples.Shared.Contracts.ProbeKind.Metrics, result.Probe);
        }
        var metrics = await File.ReadAllTextAsync(Path.Combine(runsFolder, "it-metricjobs", "results", "metrics.csv"));
        var header = metrics[..metrics.IndexOf('\n')];
        Assert.Contains("LID_TLE__last", header);
        Assert.Contains("sil__last", header);
        Assert.Contains("knn_rarity", header);
        Assert.Contains("nn_pixel_dist", header);     // the near-duplicate job's per-sample column
        Assert.Contains("bt_self_corr__last", header); // the contrastive probe feeds the table
        Assert.Contains("bt_cross_corr__last", header);
        Assert.True(File.Exists(Path.Combine(runsFolder, "it-metricjobs", "results", "near_duplicates.csv")));
    }

    private static async Task<string> FirstFinishedJobAsync(LocalArtifactStore store, CliRunner cli)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var job in new[] { "ae", "ssft-ab", "ssft-ba" })
            {
                if (await store.ExistsAsync($"it-resume/probes/{job}/result.json")) return job;
            }
            if (cli.HasExited) throw new InvalidOperationException("The run ended before it could be killed:\n" + cli.Output);
            await Task.Delay(200);
        }
        throw new TimeoutException("No job finished within 4 minutes:\n" + cli.Output);
    }
}
