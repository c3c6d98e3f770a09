using System.CommandLine;

namespace HardSamples.Cli.Commands;

/// <summary><c>hardsamples run</c>: the whole pipeline in-process on the local machine.</summary>
internal static class RunCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "mnist-sample or a dataset path", DefaultValueFactory = _ => "mnist-sample" };
        var command = new Command("run", "Run the whole pipeline on a dataset (local, in-process).") { dataset };
        command.SetAction(parseResult =>
        {
            Console.Error.WriteLine("hardsamples run: not implemented yet (the workflow issue adds it).");
            return 2;
        });
        return command;
    }
}
