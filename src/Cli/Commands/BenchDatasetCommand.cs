using System.CommandLine;
using HardSamples.Shared.Datasets;
using HardSamples.Shared.Storage.Local;
using Spectre.Console;

namespace HardSamples.Cli.Commands;

/// <summary>
/// <c>hardsamples bench dataset</c>: times reading Fashion-MNIST train (60,000 images, Debian dataset-fashion-mnist)
/// into the prepared format with the default corruption (read + build + write to a local store). Target: under 2 s.
/// </summary>
internal static class BenchDatasetCommand
{
    /// <summary>The acceptance target for one prepare of Fashion-MNIST train.</summary>
    public static readonly TimeSpan Target = TimeSpan.FromSeconds(2);

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var path = new Option<string>("--dataset") { Description = "dataset to prepare", DefaultValueFactory = _ => DatasetResolver.FashionMnistAlias };
        var runs = new Option<int>("--runs") { Description = "repetitions (the first includes JIT warm-up)", DefaultValueFactory = _ => 3 };
        var output = new Option<string?>("--out") { Description = "keep the last prepared output in this folder (default: a temp folder, deleted)" };
        var command = new Command("dataset", "Time preparing Fashion-MNIST train (60,000) into the prepared format (target < 2 s).") { path, runs, output };
        command.SetAction(async (parseResult, ct) =>
        {
            var console = DatasetOptions.Console(parseResult);
            var spec = parseResult.GetValue(path)!;
            var n = Math.Max(1, parseResult.GetValue(runs));
            var keep = parseResult.GetValue(output);
            var readOptions = new DatasetReadOptions(Part: IdxPart.Train);
            var timings = new List<PrepareTimings>();
            PrepareResult? last = null;
            for (var i = 0; i < n; i++)
            {
                var dir = keep is not null && i == n - 1 ? Path.GetFullPath(keep) : Path.Combine(Path.GetTempPath(), $"hs-bench-dataset-{Guid.NewGuid():N}");
                try
                {
                    last = await DatasetPreparation.PrepareAsync(spec, readOptions, PrepareOptions.Default, new LocalArtifactStore(dir), "", overwrite: true, ct);
                    timings.Add(last.Timings);
                    var t = last.Timings;
                    console.MarkupLine(DatasetOptions.Invariant($"run {i + 1}: total {t.Total.TotalSeconds:0.000} s (read {t.Read.TotalSeconds:0.000}, build {t.Build.TotalSeconds:0.000}, write {t.Write.TotalSeconds:0.000})"));
                }
                finally
                {
                    if (keep is null || i < n - 1) TryDelete(dir);
                }
                GC.Collect();
            }
            var best = timings.MinBy(t => t.Total)!;
            var m = last!.Manifest;
            var bytes = m.Files.Sum(f => f.Length);
            console.MarkupLine(DatasetOptions.Invariant($"{m.Source.Description}: {m.Source.Count} source images -> {m.Count} samples {m.Channels}x{m.Height}x{m.Width}, {bytes / 1e6:0.0} MB written"));
            var pass = best.Total < Target;
            console.MarkupLine(DatasetOptions.Invariant($"best {best.Total.TotalSeconds:0.000} s, first {timings[0].Total.TotalSeconds:0.000} s; target < {Target.TotalSeconds:0} s: {(pass ? "[green]PASS[/]" : "[red]FAIL[/]")}"));
            return pass ? 0 : 1;
        });
        return command;
    }

    private static void TryDelete(string dir)
    {
        try
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
