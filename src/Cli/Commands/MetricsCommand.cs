using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Metrics;
using HardSamples.Shared.Tables;
using Spectre.Console;

namespace HardSamples.Cli.Commands;

/// <summary>
/// <c>hardsamples metrics</c>: the metric suite on autoencoder outputs (<c>embeddings.npy</c> [E,N,D],
/// <c>losses.npy</c> [E,N]); writes <c>metrics.csv</c>, <c>metrics.parquet</c> and, with labels,
/// <c>correlations.csv</c>. Everything is computed before any file is written.
/// </summary>
internal static class MetricsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var embeddings = new Option<FileInfo>("--embeddings") { Description = "embeddings .npy, float [E, N, D]", Required = true };
        var losses = new Option<FileInfo>("--losses") { Description = "per-sample losses .npy, float [E, N]", Required = true };
        var labels = new Option<FileInfo?>("--labels") { Description = "binary target .npy [N] (e.g. 1 = injected mixture); adds correlations.csv" };
        var ks = new Option<string>("--ks") { Description = "aggregation starts k, comma-separated", DefaultValueFactory = _ => "0,10,20" };
        var lidEvery = new Option<int>("--lid-every") { Description = "LID snapshot interval (epochs range(n, E, n))", DefaultValueFactory = _ => 10 };
        var silEvery = new Option<int>("--sil-every") { Description = "silhouette snapshot interval (epochs range(0, E, n))", DefaultValueFactory = _ => 10 };
        var extended = new Option<bool>("--extended") { Description = "add knn_rarity, uniqueness, nn1_dist and proto_dist at the last epoch" };
        var threads = new Option<int?>("--threads") { Description = "cores to use (default: all)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "output folder", Required = true };
        var command = new Command("metrics", "Compute per-sample metrics (loss/H/L2/dif aggregates, LID, silhouette) and their correlation with a label.")
        {
            embeddings, losses, labels, ks, lidEvery, silEvery, extended, threads, output,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var options = new MetricSuiteOptions
                {
                    Ks = ParseKs(parseResult.GetValue(ks)!),
                    LidEvery = parseResult.GetValue(lidEvery),
                    SilhouetteEvery = parseResult.GetValue(silEvery),
                    Extended = parseResult.GetValue(extended),
                    MaxDegreeOfParallelism = parseResult.GetValue(threads),
                };
                await RunAsync(parseResult.GetValue(embeddings)!, parseResult.GetValue(losses)!, parseResult.GetValue(labels),
                    options, parseResult.GetValue(output)!, error, ct);
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"hardsamples metrics: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static async Task RunAsync(FileInfo embeddingsFile, FileInfo lossesFile, FileInfo? labelsFile, MetricSuiteOptions options,
        DirectoryInfo output, TextWriter log, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var embeddings = Npy.ReadFile<float>(RequireFile(embeddingsFile, "--embeddings"));
        var losses = Npy.ReadFile<float>(RequireFile(lossesFile, "--losses"));
        double[]? target = null;
        if (labelsFile is not null)
        {
            var labels = Npy.ReadFile<double>(RequireFile(labelsFile, "--labels"));
            if (labels.Rank != 1 || (embeddings.Rank == 3 && labels.Shape[0] != embeddings.Shape[1]))
                throw new ArgumentException($"Labels {labels.ShapeText} must be [N] with N = the embeddings' sample count ({(embeddings.Rank == 3 ? embeddings.Shape[1] : -1)}).");
            target = labels.Data;
        }
        var table = await ComputeWithProgressAsync(embeddings, losses, options, log, ct);
        var correlations = target is null ? null : MetricSuite.Correlations(table, target);

        Directory.CreateDirectory(output.FullName);
        var csv = Path.Combine(output.FullName, "metrics.csv");
        var parquet = Path.Combine(output.FullName, "metrics.parquet");
        MetricTableWriter.WriteCsvFile(csv, table);
        await MetricTableWriter.WriteParquetFileAsync(parquet, table, ct);
        var written = new List<string> { csv, parquet };
        if (correlations is not null)
        {
            var path = Path.Combine(output.FullName, "correlations.csv");
            MetricTableWriter.WriteCorrelationsCsvFile(path, correlations);
            written.Add(path);
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{table.RowCount} samples × {table.Columns.Count} metrics in {watch.Elapsed.TotalSeconds:0.0} s → {string.Join(", ", written)}"));
    }

    /// <summary>A Spectre progress bar on an interactive terminal; one line per finished unit otherwise (tests, pipes).</summary>
    private static Task<MetricTable> ComputeWithProgressAsync(NdArray<float> embeddings, NdArray<float> losses, MetricSuiteOptions options, TextWriter log, CancellationToken ct)
    {
        var terminal = ReferenceEquals(log, Console.Error) && !Console.IsErrorRedirected;
        if (!terminal)
        {
            var lines = new SynchronousProgress(p => log.WriteLine($"[{p.Completed}/{p.Total}] {p.Stage}"));
            return Task.Run(() => MetricSuite.Compute(embeddings, losses, options, lines, cancellationToken: ct), ct);
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(log) });
        return console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask("metrics");
                var progress = new Progress<MetricProgress>(p =>
                {
                    bar.MaxValue = p.Total;
                    bar.Value = p.Completed;
                    bar.Description = Markup.Escape(p.Stage);
                });
                var table = await Task.Run(() => MetricSuite.Compute(embeddings, losses, options, progress, cancellationToken: ct), ct);
                bar.Value = bar.MaxValue;
                return table;
            });
    }

    internal static int[] ParseKs(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new ArgumentException("--ks needs at least one value.");
        return parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            ? k
            : throw new ArgumentException($"--ks: '{p}' is not a non-negative integer.")).ToArray();
    }

    private sealed class SynchronousProgress(Action<MetricProgress> report) : IProgress<MetricProgress>
    {
        public void Report(MetricProgress value) => report(value);
    }

    private static string RequireFile(FileInfo file, string option) =>
        file.Exists ? file.FullName : throw new FileNotFoundException($"{option}: '{file.FullName}' does not exist.", file.FullName);
}
