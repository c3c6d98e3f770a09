using System.CommandLine;
using HardSamples.Shared.Datasets;
using Spectre.Console;

namespace HardSamples.Cli.Commands;

/// <summary><c>hardsamples dataset inspect PATH</c>: count, shape, label histogram and problems found.</summary>
internal static class DatasetInspectCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var options = new DatasetOptions();
        var command = new Command("inspect", "Print count, shape, pixel range, label histogram and problems found.");
        options.AddTo(command);
        command.SetAction(parseResult =>
        {
            var console = DatasetOptions.Console(parseResult);
            var spec = parseResult.GetRequiredValue(options.Path);
            SourceDataset source;
            try
            {
                source = DatasetResolver.Read(spec, options.ReadOptions(parseResult));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or FormatException or ArgumentException)
            {
                console.MarkupLine($"[bold]Dataset[/]  {Markup.Escape(spec)}");
                console.MarkupLine("[red]Problems (1):[/]");
                console.MarkupLine($"  - {Markup.Escape(e.Message)}");
                return 1;
            }
            Print(console, DatasetInspector.Inspect(source));
            return 0;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, DatasetInspection r)
    {
        console.MarkupLine($"[bold]Dataset[/]  {Markup.Escape(r.Description)} ({r.Kind})");
        console.MarkupLine($"[bold]Count[/]    {r.Count}");
        console.MarkupLine($"[bold]Shape[/]    {r.Channels}x{r.Height}x{r.Width} (C x H x W), {r.PixelType.ToString().ToLowerInvariant()}");
        console.MarkupLine(DatasetOptions.Invariant($"[bold]Pixels[/]   min {r.Min:0.####}, max {r.Max:0.####}, mean {r.Mean:0.####} (unit scale)"));
        if (r.LabelHistogram is { } histogram)
        {
            console.MarkupLine($"[bold]Labels[/]   {histogram.Length} classes");
            var table = new Table().AddColumn("class").AddColumn(new TableColumn("count").RightAligned());
            for (var c = 0; c < histogram.Length; c++)
            {
                var name = r.ClassNames is { } names ? $"{c} {names[c]}" : c.ToString();
                table.AddRow(Markup.Escape(name), histogram[c].ToString());
            }
            console.Write(table);
        }
        else
        {
            console.MarkupLine("[bold]Labels[/]   none");
        }
        if (r.Problems.Count == 0)
        {
            console.MarkupLine("[green]Problems: none found[/]");
            return;
        }
        console.MarkupLine($"[yellow]Problems ({r.Problems.Count}):[/]");
        foreach (var p in r.Problems) console.MarkupLine($"  - {Markup.Escape(p)}");
    }
}
