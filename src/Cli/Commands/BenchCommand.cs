using System.CommandLine;

namespace HardSamples.Cli.Commands;

/// <summary><c>hardsamples bench …</c>: benchmarks that print figures (never timed unit tests).</summary>
internal static class BenchCommand
{
    /// <summary>Builds the command group; each benchmark is its own sub-command class.</summary>
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks that print timings and ratios.");
        // Sub-commands register here, one line each.
        command.Subcommands.Add(BenchDatasetCommand.Create());
        command.Subcommands.Add(BenchMetricsCommand.Create());
        command.Subcommands.Add(BenchAeCommand.Create());
        return command;
    }
}
