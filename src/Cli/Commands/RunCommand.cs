using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using HardSamples.Cli.Hosting;
using HardSamples.Shared.Contracts;
using HardSamples.Workflow;
using HardSamples.Workflow.Jobs;
using HardSamples.Workflow.Steps;
using Microsoft.DurableTask.Client;
using Spectre.Console;

namespace HardSamples.Cli.Commands;

/// <summary>
/// <c>hardsamples run</c>: the whole pipeline with the same orchestrator as in Azure, hosted in this process
/// (Durable Task in-memory host). Artifacts and status go to the chosen storage; <c>--resume RUNID</c> continues an
/// interrupted run from them without redoing finished jobs and steps.
/// </summary>
internal static class RunCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "mnist-sample, fashion-mnist, a dataset file/folder, or datasets/NAME in the storage's datasets container", DefaultValueFactory = _ => "mnist-sample" };
        var epochs = new Option<int>("--epochs") { Description = "autoencoder epochs", DefaultValueFactory = _ => RunDefaults.AutoencoderEpochs };
        var aeBatch = new Option<int?>("--ae-batch") { Description = "autoencoder mini-batch size (default: automatic, about 150 steps an epoch: 64 for the bundled sample, the seed's 512 from 76,800 samples)" };
        var ssftEpochs = new Option<int>("--ssft-epochs") { Description = "SSFT epochs per phase", DefaultValueFactory = _ => RunDefaults.SsftEpochs };
        var ssftArch = new Option<string>("--ssft-arch") { Description = "SSFT network: lenet (fast on a CPU) or seed (the seed's 225k-parameter CNN)", DefaultValueFactory = _ => "lenet" };
        var probes = new Option<string>("--probes") { Description = "comma-separated probes: ae, ssft, ae-ssft, contrastive", DefaultValueFactory = _ => "ae,ssft" };
        var output = new Option<string>("--out") { Description = "runs folder for local storage (results in OUT/RUNID/)", DefaultValueFactory = _ => "./runs" };
        var storage = new Option<string>("--storage") { Description = "local, or an Azure storage connection string (e.g. UseDevelopmentStorage=true) or service URI", DefaultValueFactory = _ => "local" };
        var resume = new Option<string?>("--resume") { Description = "continue the interrupted run RUNID from its stored artifacts" };
        var runId = new Option<string?>("--run-id") { Description = "id of the new run (default: generated)" };
        var maxSamples = new Option<int?>("--max-samples") { Description = "use only the first N source samples" };
        var testFraction = new Option<double>("--test-fraction")
        {
            Description = "hold out this fraction of the samples (stratified) as a test split the probes never train on, for evaluate-pruning; 0 = none, at most 0.5",
            DefaultValueFactory = _ => 0,
        };
        var seed = new Option<int>("--seed") { Description = "seed of every draw", DefaultValueFactory = _ => 91 };
        var launcher = new Option<string>("--launcher") { Description = "in-process (GpuRunner library) or process (GpuRunner child processes)", DefaultValueFactory = _ => "in-process" };
        var threads = new Option<int?>("--threads") { Description = "torch threads per job (default: one per core)" };
        var metricJobThreshold = new Option<int>("--metric-job-threshold") { Description = "above this many samples, heavy metric shards (kNN/LID, silhouette, extended, near-duplicates) run as GpuRunner metrics jobs instead of activities", DefaultValueFactory = _ => RunDefaults.MetricJobThreshold };
        var plain = new Option<bool>("--plain") { Description = "print progress as lines instead of bars" };
        var command = new Command("run", "Run the whole pipeline (prepare, probes, metrics, correlations, ranking, report) on this machine.")
        {
            dataset, epochs, aeBatch, ssftEpochs, ssftArch, probes, output, storage, resume, runId, maxSamples, testFraction, seed, launcher, threads, metricJobThreshold, plain,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            try
            {
                var kind = parseResult.GetValue(launcher) switch
                {
                    "in-process" or "inprocess" => LocalLauncher.InProcess,
                    "process" => LocalLauncher.Process,
                    var other => throw new ArgumentException($"--launcher '{other}' is not in-process or process."),
                };
                var cli = CliStorage.Open(parseResult.GetValue(storage)!, parseResult.GetValue(output)!);
                var resumeId = parseResult.GetValue(resume);
                RunRequest? request = null;
                if (resumeId is null)
                {
                    var ds = parseResult.GetValue(dataset)!;
                    if (DatasetReference.Parse(ds).Kind == DatasetReferenceKind.LocalPath) ds = Path.GetFullPath(ds);
                    request = new RunRequest
                    {
                        RunId = parseResult.GetValue(runId),
                        Dataset = ds,
                        Epochs = parseResult.GetValue(epochs),
                        SsftEpochs = parseResult.GetValue(ssftEpochs),
                        AutoencoderBatchSize = parseResult.GetValue(aeBatch),
                        SsftArchitecture = parseResult.GetValue(ssftArch)!,
                        Probes = parseResult.GetValue(probes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                        MaxSamples = parseResult.GetValue(maxSamples),
                        TestFraction = parseResult.GetValue(testFraction),
                        Seed = parseResult.GetValue(seed),
                        MetricJobThreshold = parseResult.GetValue(metricJobThreshold),
                        // Local launchers raise the completion event themselves; the poll is only the safety net.
                        Wait = new JobWaitPolicy { PollInterval = TimeSpan.FromSeconds(10), Timeout = TimeSpan.FromHours(12), MaxAttempts = 2 },
                    };
                    RunRequestValidator.ThrowIfInvalid(request);
                }
                return await RunAsync(cli, kind, parseResult.GetValue(threads), request, resumeId, !parseResult.GetValue(plain) && AnsiConsole.Profile.Capabilities.Interactive, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 130;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or RunConflictException or RunNotFoundException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"hardsamples run: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(CliStorage cli, LocalLauncher launcher, int? threads, RunRequest? request, string? resumeId, bool interactive, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var host = await LocalWorkflowHost.StartAsync(cli, launcher, threads, ct);
        if (request is not null)
        {
            var check = await new DatasetCatalog(cli.Datasets, allowLocalPaths: true).CheckAsync(request.Dataset, ct);
            if (check is not null) throw new ArgumentException(check);
        }
        var scheduled = resumeId is null ? await host.Runs.StartAsync(request!, ct) : await host.Runs.ResumeAsync(resumeId, ct);
        var id = scheduled.RunId!;
        Console.WriteLine($"{(resumeId is null ? "Run" : "Resuming run")} {id}: {scheduled.Dataset}, probes {string.Join(",", scheduled.Probes)}, {scheduled.Epochs} AE epochs, storage {cli.Description}");
        OrchestrationMetadata final;
        try
        {
            final = await RunProgressView.FollowAsync(host.Client, id, host.Board, interactive, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine($"Interrupted. Continue with: hardsamples run --resume {id}{StorageArgs(cli)}");
            throw;
        }
        var manifest = await host.Status.GetAsync(id, CancellationToken.None);
        if (final.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            Console.Error.WriteLine($"Run {id} {final.RuntimeStatus.ToString().ToLowerInvariant()} after {clock.Elapsed.TotalSeconds:0} s: {manifest?.Error ?? final.FailureDetails?.ErrorMessage}");
            Console.Error.WriteLine($"Fix the cause and continue with: hardsamples run --resume {id}{StorageArgs(cli)}");
            return 1;
        }
        var summary = final.ReadOutputAs<RunSummary>()!;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Run {id} succeeded in {clock.Elapsed.TotalSeconds:0} s ({summary.Samples} samples{(summary.TestSamples > 0 ? $", {summary.TestSamples} of them held out as the test split" : "")})."));
        foreach (var job in summary.Jobs)
            Console.WriteLine($"  job {job.JobId,-12} {(job.Reused ? "reused" : $"{job.Attempts} attempt(s)")}");
        foreach (var best in summary.Best)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  best for {best.Target,-16} {best.Metric,-28} {(best.AucOriented is { } auc ? $"AUC {auc:0.000}" : "         ")}  |SRCC| {best.AbsSrcc:0.000}"));
        Console.WriteLine("Results:");
        foreach (var (role, name) in summary.Results.OrderBy(r => r.Key, StringComparer.Ordinal))
            Console.WriteLine($"  {role,-16} {cli.Locate(name)}");
        return 0;
    }

    private static string StorageArgs(CliStorage cli) => cli.LocalRunsFolder is { } f ? $" --out {f}" : " --storage <same storage>";
}
