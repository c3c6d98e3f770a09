using System.CommandLine;

namespace HardSamples.Cli.Tests;

/// <summary>Runs the real <c>hardsamples</c> root command in-process with captured output.</summary>
internal static class CliRunner
{
    /// <summary>Parses and invokes <paramref name="args"/>; returns the exit code, standard output and standard error.</summary>
    public static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Program.BuildRoot().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
