using System.CommandLine;
using HardSamples.Cli.Commands;

namespace HardSamples.Cli;

/// <summary>The <c>hardsamples</c> command line.</summary>
public static class Program
{
    /// <summary>Parses and runs one command.</summary>
    public static Task<int> Main(string[] args)
        => Hosting.DurableConcurrency.RerunIfNeeded(args) is { } exitCode ? Task.FromResult(exitCode) : BuildRoot().Parse(args).InvokeAsync();

    /// <summary>The root command with every sub-command (one class per command under <c>Commands/</c>).</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("HardSamples: find hard, rare, mixed, mislabeled and redundant samples of an image dataset.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(EnvCommand.Create());
        root.Subcommands.Add(DatasetCommand.Create());
        root.Subcommands.Add(MetricsCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(RankCommand.Create());
        root.Subcommands.Add(PruneCommand.Create());
        root.Subcommands.Add(EvaluatePruningCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        return root;
    }
}
