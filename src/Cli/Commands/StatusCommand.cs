using System.CommandLine;
using System.Globalization;
using HardSamples.Cli.Hosting;
using HardSamples.Workflow;
using HardSamples.Workflow.Status;
using Spectre.Console;

namespace HardSamples.Cli.Commands;

/// <summary><c>hardsamples status [RUNID]</c>: every run in the storage's <c>Runs</c> table, or one run's manifest and results.</summary>
internal static class StatusCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var runId = new Argument<string?>("RUNID") { Description = "a run (default: list every run)", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--out") { Description = "runs folder for local storage", DefaultValueFactory = _ => "./runs" };
        var storage = new Option<string>("--storage") { Description = "local, or an Azure storage connection string or service URI", DefaultValueFactory = _ => "local" };
        var command = new Command("status", "Show the status of runs.") { runId, output, storage };
        command.SetAction(async (parseResult, ct) =>
        {
            try
            {
                var cli = CliStorage.Open(parseResult.GetValue(storage)!, parseResult.GetValue(output)!);
                var status = new RunStatusStore(cli.Runs, cli.Tables);
                var id = parseResult.GetValue(runId);
                if (id is null)
                {
                    var runs = await status.ListAsync(ct);
                    if (runs.Count == 0)
                    {
                        Console.WriteLine($"No runs in {cli.Description}.");
                        return 0;
                    }
                    var table = new Table().AddColumns("run", "status", "stage", "progress", "dataset", "updated (UTC)");
                    foreach (var m in runs)
                        table.AddRow(Markup.Escape(m.RunId), m.Status.ToString(), Markup.Escape(m.Stage), string.Create(CultureInfo.InvariantCulture, $"{m.Progress * 100:0}%"),
                            Markup.Escape(m.Dataset ?? ""), m.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
                    AnsiConsole.Write(table);
                    return 0;
                }
                RunIds.Validate(id);
                var manifest = await status.GetAsync(id, ct);
                if (manifest is null)
                {
                    Console.Error.WriteLine($"Run '{id}' does not exist in {cli.Description}.");
                    return 1;
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Run {manifest.RunId}: {manifest.Status}, stage {manifest.Stage}, {manifest.Progress * 100:0}%"));
                Console.WriteLine($"  dataset   {manifest.Dataset}");
                Console.WriteLine($"  created   {manifest.CreatedAt:u}, updated {manifest.UpdatedAt:u}{(manifest.FinishedAt is { } f ? $", finished {f:u}" : "")}");
                if (manifest.Message is { Length: > 0 } msg) Console.WriteLine($"  message   {msg}");
                if (manifest.Error is { Length: > 0 } err) Console.WriteLine($"  error     {err}");
                foreach (var job in manifest.Jobs)
                    Console.WriteLine($"  job       {job.JobId,-12} {job.Status}{(job.Reused ? " (reused)" : "")}{(job.Error is { } je ? ": " + je : "")}");
                foreach (var (role, name) in manifest.Results.OrderBy(r => r.Key, StringComparer.Ordinal))
                    Console.WriteLine($"  result    {role,-16} {cli.Locate(name)}");
                if (manifest.Status is not (Shared.Contracts.RunStatus.Succeeded or Shared.Contracts.RunStatus.Cancelled))
                    Console.WriteLine($"  resume    hardsamples run --resume {manifest.RunId}");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"hardsamples status: {e.Message}");
                return 2;
            }
        });
        return command;
    }
}
