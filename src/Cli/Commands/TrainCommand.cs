using System.CommandLine;
using HardSamples.Cli.Training;
using HardSamples.GpuRunner;
using HardSamples.Shared.Contracts;
using Spectre.Console;

namespace HardSamples.Cli.Commands;

/// <summary><c>hardsamples train ae|ssft|aessft|contrastive</c>: one probe, in-process, artifacts as .npy under --out.</summary>
internal static class TrainCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var command = new Command("train", "Train one probe on a dataset and write its per-sample series (.npy, NumPy-loadable) under --out.");
        command.Subcommands.Add(CreateProbe("ae", ProbeKind.Autoencoder, "The seed autoencoder: embeddings, per-sample loss and SSIM per epoch."));
        command.Subcommands.Add(CreateProbe("ssft", ProbeKind.Ssft, "Second-split forgetting with the seed CNN (or LeNet), both directions A→B and B→A."));
        command.Subcommands.Add(CreateProbe("aessft", ProbeKind.AeSsft, "Second-split forgetting with the autoencoder (SSIM above the threshold = learnt)."));
        command.Subcommands.Add(CreateProbe("contrastive", ProbeKind.Contrastive, "Barlow Twins: per-sample self- and cross-correlation of two views."));
        return command;
    }

    private static Command CreateProbe(string name, ProbeKind kind, string description)
    {
        var defaults = ProbeDefaults.For(kind);
        var dataset = new Option<string>("--dataset") { Description = "mnist-sample, fashion-mnist, an IDX/.npy/image folder (prepared into --out/data with the default corruption), or a prepared folder", Required = true };
        var output = new Option<string>("--out") { Description = "Run folder: data/ and probes/<job>/ are written there", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Epochs (per phase for SSFT)", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Seed of every random draw", DefaultValueFactory = _ => 91 };
        var device = new Option<ComputeDevice>("--device") { Description = "auto, cpu or cuda", DefaultValueFactory = _ => ComputeDevice.Auto };
        var batch = new Option<int>("--batch-size") { Description = "Mini-batch size", DefaultValueFactory = _ => defaults.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        var latent = new Option<int>("--latent") { Description = "Autoencoder bottleneck size", DefaultValueFactory = _ => defaults.LatentDim };
        var ssimEvery = new Option<int>("--ssim-every") { Description = "Per-sample SSIM every N epochs (0 = never; the last epoch always)", DefaultValueFactory = _ => defaults.SsimEvery };
        var arch = new Option<string>("--arch") { Description = "SSFT classifier: seed (225k CNN) or lenet", DefaultValueFactory = _ => "seed" };
        var evals = new Option<int>("--evals-per-epoch") { Description = "SSFT: evaluations of the first split per phase-2 epoch", DefaultValueFactory = _ => defaults.EvalsPerEpoch };
        var threshold = new Option<double>("--threshold") { Description = "SSFT learnt threshold (0.5 probability; 0.15 SSIM for aessft)", DefaultValueFactory = _ => defaults.Threshold };
        var split = new Option<string>("--split") { Description = "Split to train (SSFT: the first split); 'all' excludes a held-out test split", DefaultValueFactory = _ => kind is ProbeKind.Ssft or ProbeKind.AeSsft ? "A" : "all" };
        var second = new Option<string>("--second-split") { Description = "SSFT: the second split", DefaultValueFactory = _ => "B" };
        var oneWay = new Option<bool>("--one-direction") { Description = "SSFT: run only first→second" };
        var threads = new Option<int?>("--threads") { Description = "Torch CPU threads (default: one per core)" };
        var checkpoint = new Option<int>("--checkpoint-every") { Description = "Checkpoint every N epochs (0 = never)", DefaultValueFactory = _ => 1 };
        var command = new Command(name, description) { dataset, output, epochs, seed, device, batch, lr, latent, ssimEvery, arch, evals, threshold, split, second, oneWay, threads, checkpoint };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var request = new TrainRequest(
                kind,
                parseResult.GetValue(dataset)!,
                parseResult.GetValue(output)!,
                parseResult.GetValue(epochs),
                defaults with
                {
                    BatchSize = parseResult.GetValue(batch),
                    LearningRate = parseResult.GetValue(lr),
                    LatentDim = parseResult.GetValue(latent),
                    SsimEvery = parseResult.GetValue(ssimEvery),
                    Architecture = parseResult.GetValue(arch)!,
                    EvalsPerEpoch = parseResult.GetValue(evals),
                    Threshold = parseResult.GetValue(threshold),
                },
                parseResult.GetValue(seed),
                parseResult.GetValue(device),
                parseResult.GetValue(split)!,
                kind is ProbeKind.Ssft or ProbeKind.AeSsft ? parseResult.GetValue(second) : null,
                parseResult.GetValue(checkpoint),
                !parseResult.GetValue(oneWay));
            return await RunAsync(request, new ProbeRunOptions { Threads = parseResult.GetValue(threads) }, DatasetOptions.Console(parseResult), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(TrainRequest request, ProbeRunOptions options, IAnsiConsole console, CancellationToken cancellationToken)
    {
        try
        {
            IReadOnlyList<JobResult> results = [];
            if (console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi)
            {
                await console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                    .StartAsync(async context =>
                    {
                        results = await LocalTraining.RunAsync(request, spec => new SpectreProgress(context, spec), options, cancellationToken);
                    });
            }
            else
            {
                // Redirected output: one plain line per epoch instead of redrawn bars.
                results = await LocalTraining.RunAsync(request, spec => new LineProgress(console, spec), options, cancellationToken);
            }
            var failed = false;
            foreach (var result in results)
            {
                if (result.Status == JobStatus.Succeeded)
                {
                    console.MarkupLineInterpolated($"[green]{result.JobId}[/]: {result.Artifacts.Count} arrays on {result.Device} in {result.Timings.GetValueOrDefault("total"):F1} s");
                    foreach (var a in result.Artifacts)
                        console.MarkupLineInterpolated($"  {Path.Combine(request.OutputFolder, a.Name)}  {a.DType} ({string.Join(", ", a.Shape)})");
                }
                else
                {
                    failed = true;
                    console.MarkupLineInterpolated($"[red]{result.JobId} failed[/]: {result.Error}");
                }
            }
            return failed ? 1 : 0;
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine("[yellow]Cancelled.[/] Rerun the same command to resume from the last checkpoint.");
            return 130;
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or InvalidDataException or ArgumentException or IOException)
        {
            console.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return 2;
        }
    }

    /// <summary>Writes one line per reported epoch.</summary>
    private sealed class LineProgress(IAnsiConsole console, JobSpec spec) : IProgress<ProbeProgress>
    {
        public void Report(ProbeProgress value) => console.WriteLine(DatasetOptions.Invariant(
            $"{spec.JobId} {value.Phase} {value.Epoch}/{value.TotalEpochs}: loss {value.Loss:G5}, {value.SamplesPerSecond:F0} samples/s, {value.Elapsed.TotalSeconds:F1} s"));
    }

    /// <summary>Turns probe progress into one Spectre progress bar per job phase.</summary>
    private sealed class SpectreProgress(ProgressContext context, JobSpec spec) : IProgress<ProbeProgress>
    {
        private readonly Dictionary<string, ProgressTask> tasks = [];

        public void Report(ProbeProgress value)
        {
            if (!tasks.TryGetValue(value.Phase, out var task))
            {
                foreach (var earlier in tasks.Values)
                {
                    earlier.Value = earlier.MaxValue; // e.g. SSFT phase 1 ended early: everything was learnt
                    earlier.StopTask();
                }
                task = context.AddTask($"{spec.JobId} {value.Phase}", maxValue: value.TotalEpochs);
                tasks[value.Phase] = task;
            }
            task.Value = value.Epoch;
            task.Description = $"{spec.JobId} {value.Phase} {value.Epoch}/{value.TotalEpochs} loss {value.Loss:G4} {value.SamplesPerSecond:F0}/s";
            if (value.Epoch >= value.TotalEpochs) task.StopTask();
        }
    }
}
