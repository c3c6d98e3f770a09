using System.CommandLine;

namespace HardSamples.Cli.Commands;

/// <summary><c>hardsamples dataset …</c>: inspect and prepare datasets.</summary>
internal static class DatasetCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create()
    {
        var command = new Command("dataset", "Inspect a dataset, or prepare it (inject corruption, split, normalise) for a run.");
        command.Subcommands.Add(DatasetInspectCommand.Create());
        command.Subcommands.Add(DatasetPrepareCommand.Create());
        return command;
    }
}
