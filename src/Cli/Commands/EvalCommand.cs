using System.CommandLine;
using System.Diagnostics;
using HardSamples.Cli.Evaluation;
using HardSamples.Shared.Evaluation;

namespace HardSamples.Cli.Commands;

/// <summary><c>hardsamples eval</c>: evaluations over stored run outputs (issue 9: <c>seed-tables</c>).</summary>
internal static class EvalCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var command = new Command("eval", "Evaluate stored runs against published figures.");
        command.Subcommands.Add(CreateSeedTables());
        return command;
    }

    private static Command CreateSeedTables()
    {
        var runs = new Option<DirectoryInfo?>("--runs") { Description = "runs folder written by scripts/reproduce-seed.sh (each run: data/, probes/, results/, settings/; machine.json)" };
        var summaryIn = new Option<DirectoryInfo?>("--summary-in") { Description = "render from a stored summary folder (docs/results) instead of --runs" };
        var output = new Option<FileInfo>("--out") { Description = "Markdown file to write", DefaultValueFactory = _ => new FileInfo(Path.Combine("docs", "RESULTS.md")) };
        var summary = new Option<DirectoryInfo?>("--summary") { Description = "also write the machine-readable summary CSVs here (e.g. docs/results)" };
        var command = new Command("seed-tables", "Regenerate docs/RESULTS.md (seed comparison tables) from stored run outputs only.") { runs, summaryIn, output, summary };
        command.SetAction(parseResult =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var console = parseResult.InvocationConfiguration.Output;
            try
            {
                var watch = Stopwatch.StartNew();
                var runsDir = parseResult.GetValue(runs);
                var summaryDir = parseResult.GetValue(summaryIn);
                if ((runsDir is null) == (summaryDir is null))
                    throw new ArgumentException("Give exactly one of --runs DIR or --summary-in DIR.");
                var tables = runsDir is not null ? SeedRunsLoader.Load(runsDir.FullName) : ReadSummary(summaryDir!.FullName);
                var commandLine = runsDir is not null
                    ? $"hardsamples eval seed-tables --runs {runsDir.Name}"
                    : $"hardsamples eval seed-tables --summary-in {summaryDir!.Name}";
                var markdown = SeedTablesMarkdown.Render(tables, commandLine);
                if (parseResult.GetValue(summary) is { } summaryOut)
                {
                    Directory.CreateDirectory(summaryOut.FullName);
                    foreach (var (name, text) in SeedTablesCsv.Write(tables))
                        WriteAtomically(Path.Combine(summaryOut.FullName, name), text);
                }
                var outFile = parseResult.GetValue(output)!;
                Directory.CreateDirectory(outFile.DirectoryName!);
                WriteAtomically(outFile.FullName, markdown);
                console.WriteLine($"Wrote {outFile.FullName} ({tables.Separation.Count} separation rows, {tables.Detection.Count} detection rows, {tables.AeSsft.Count} AE–SSFT rows) in {watch.Elapsed.TotalSeconds:F1} s");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException or System.Text.Json.JsonException or KeyNotFoundException)
            {
                error.WriteLine($"hardsamples eval seed-tables: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static SeedTables ReadSummary(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Summary folder '{folder}' does not exist.");
        return SeedTablesCsv.Read(name =>
        {
            var path = Path.Combine(folder, name);
            return File.Exists(path) ? File.ReadAllText(path) : null;
        });
    }

    private static void WriteAtomically(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
