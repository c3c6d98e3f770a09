using System.CommandLine;
using System.Globalization;
using HardSamples.Cli.Bench;
using HardSamples.Shared.Contracts;
using Spectre.Console;

namespace HardSamples.Cli.Commands;

/// <summary>
/// <c>hardsamples bench ae</c>: seconds per epoch (train + recorded pass) of the autoencoder probe at 57,000
/// Fashion-MNIST samples, next to the seed's PyTorch loop (../shared/bench/seed_ae_loop.py, original configuration)
/// run in the same session, with the ratio and the competing CPU load during each.
/// </summary>
internal static class BenchAeCommand
{
    private const string FashionTrain = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var images = new Option<string>("--images") { Description = "IDX training images (Debian dataset-fashion-mnist)", DefaultValueFactory = _ => FashionTrain };
        var n = new Option<int>("--n") { Description = "Source images n (dataset = n − 5 %: 60,000 → 57,000)", DefaultValueFactory = _ => 60_000 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs to time (each side)", DefaultValueFactory = _ => 2 };
        var threads = new Option<int>("--threads") { Description = "CPU threads (both sides)", DefaultValueFactory = _ => 2 };
        var recordBatch = new Option<int>("--record-batch") { Description = "Batch size of the recorded pass", DefaultValueFactory = _ => 1024 };
        var skipSeed = new Option<bool>("--skip-seed") { Description = "Do not run the seed loop (prints this side only)" };
        var seedScript = new Option<string?>("--seed-script") { Description = "Path of seed_ae_loop.py (default ../shared/bench/seed_ae_loop.py beside the repository)" };
        var seedOut = new Option<string?>("--seed-out") { Description = "Folder for the seed loop's outputs (default: a temp folder)" };
        var command = new Command("ae", "Autoencoder probe seconds/epoch at 57,000 samples vs the seed's PyTorch loop.")
            { images, n, epochs, threads, recordBatch, skipSeed, seedScript, seedOut };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new AeBenchmarkSettings(parseResult.GetValue(images)!, parseResult.GetValue(n), parseResult.GetValue(epochs),
                parseResult.GetValue(threads), parseResult.GetValue(recordBatch));
            if (!File.Exists(settings.ImagesPath))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{settings.ImagesPath} not found[/]: apt-get install dataset-fashion-mnist (or pass --images).");
                return 2;
            }
            AnsiConsole.MarkupLineInterpolated($"Machine: {Environment.ProcessorCount} cores, load average {CpuMeter.LoadAverage():F2} at start; {settings.Threads} threads.");
            var (timings, result, count) = await AeBenchmark.RunAsync(settings,
                t => AnsiConsole.MarkupLineInterpolated($"HardSamples epoch {t.Epoch}: {t.Seconds:F1} s (own CPU {t.Cpu.OwnCpu:F1} s, foreign CPU {t.Cpu.ForeignCpu:F1} s)"),
                cancellationToken);
            if (result.Status != JobStatus.Succeeded)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]The probe failed[/]: {result.Error}");
                return 1;
            }
            var ours = timings.Average(t => t.Seconds);
            AnsiConsole.MarkupLineInterpolated($"Native settings: oneDNN ISA cap {GpuRunner.Torch.TorchRuntime.OneDnnIsa ?? "none (best available)"}, OMP_WAIT_POLICY {Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "unset"}, GOMP_SPINCOUNT {Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") ?? "unset"}, glibc heap tuned: {GpuRunner.Torch.TorchRuntime.HeapTuned}; backward passes recomputed after non-finite gradients: {result.Counters.GetValueOrDefault("gradient_retries")}.");
            AnsiConsole.MarkupLineInterpolated($"HardSamples phases over {timings.Count} epochs: train {result.Timings.GetValueOrDefault("train") / timings.Count:F1} s/epoch, recorded pass {result.Timings.GetValueOrDefault("record") / timings.Count:F1} s/epoch, writes+checkpoints {(result.Timings.GetValueOrDefault("write") + result.Timings.GetValueOrDefault("checkpoint")) / timings.Count:F2} s/epoch.");
            var oursBest = timings.Min(t => t.Seconds);
            var table = new Table().AddColumns("", "samples", "s/epoch (mean)", "s/epoch (best)", "foreign CPU s/epoch");
            table.AddRow("HardSamples (TorchSharp)", count.ToString("N0", CultureInfo.InvariantCulture), F(ours), F(oursBest), F(timings.Average(t => t.Cpu.ForeignCpu)));
            if (!parseResult.GetValue(skipSeed))
            {
                var script = parseResult.GetValue(seedScript) ?? DefaultSeedScript();
                if (!File.Exists(script))
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]{script} not found[/] (pass --seed-script or --skip-seed).");
                    return 2;
                }
                var folder = parseResult.GetValue(seedOut) ?? Path.Combine(Path.GetTempPath(), $"hs-bench-seed-{Guid.NewGuid():N}");
                AnsiConsole.MarkupLineInterpolated($"Seed loop: /usr/bin/python3 {script} --data fashion60k --n {settings.SourceCount} --epochs {settings.Epochs} --threads {settings.Threads} --out {folder}");
                var history = await AeBenchmark.RunSeedLoopAsync(script, settings.SourceCount, settings.Epochs, settings.Threads!.Value, folder,
                    line => AnsiConsole.WriteLine("  seed: " + line), cancellationToken);
                var seed = AeBenchmark.ReadSeedHistory(history);
                var seedMean = seed.Average(s => s.TrainAndRecord);
                table.AddRow("seed loop: train + 2 record passes", count.ToString("N0", CultureInfo.InvariantCulture), F(seedMean), F(seed.Min(s => s.TrainAndRecord)), F(seed.Average(s => s.ForeignCpu)));
                table.AddRow("seed loop: + test pass", count.ToString("N0", CultureInfo.InvariantCulture), F(seed.Average(s => s.WithTest)), F(seed.Min(s => s.WithTest)), "");
                AnsiConsole.Write(table);
                AnsiConsole.MarkupLineInterpolated($"Speed-up per epoch (mean, train + recorded passes): [bold]{seedMean / ours:F2}×[/] (target ≥ 5×); best vs best {seed.Min(s => s.TrainAndRecord) / oursBest:F2}×; load average at end {CpuMeter.LoadAverage():F2}.");
                return 0;
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    private static string F(double seconds) => seconds.ToString("F1", CultureInfo.InvariantCulture);

    private static string DefaultSeedScript()
    {
        var env = Environment.GetEnvironmentVariable("HARDSAMPLES_SHARED");
        if (!string.IsNullOrEmpty(env)) return Path.Combine(env, "bench", "seed_ae_loop.py");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HardSamples.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "bench", "seed_ae_loop.py"));
        }
        return Path.GetFullPath(Path.Combine("..", "shared", "bench", "seed_ae_loop.py"));
    }
}
