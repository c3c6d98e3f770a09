using System.CommandLine;
using HardSamples.Cli.Hosting;

namespace HardSamples.Cli.Commands;

/// <summary>
/// <c>hardsamples env</c> (hidden): what the workflow host runs with — the processor count the runtime reports (raised
/// for the Durable Task in-memory service) and the real core count used to size CPU work.
/// </summary>
internal static class EnvCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("env", "Show the runtime settings the workflow host runs with.") { Hidden = true };
        command.SetAction(_ =>
        {
            Console.WriteLine($"dotnet-processor-count: {Environment.ProcessorCount}");
            Console.WriteLine($"cpu-count: {DurableConcurrency.RealCpuCount}");
            Console.WriteLine($"durable-concurrency-fix: {(DurableConcurrency.InEffect ? "on" : "off")}");
            return 0;
        });
        return command;
    }
}
