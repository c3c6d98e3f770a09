using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace HardSamples.Orchestrator.Tests.Infra;

/// <summary>Output of one Bicep CLI run.</summary>
public sealed record BicepResult(int ExitCode, string StdOut, string StdErr)
{
    /// <summary>Every error or warning line (BCP type checks and linter rules alike).</summary>
    public IReadOnlyList<string> Diagnostics =>
        (StdOut + "\n" + StdErr).Split('\n')
            .Where(line => BicepCli.DiagnosticLine.IsMatch(line))
            .Select(line => line.Trim())
            .ToArray();
}

/// <summary>
/// Runs the Bicep CLI restored by this project's PackageDownload (Azure.Bicep.CommandLine.linux-x64).
/// BCP type problems are warnings with exit code 0, so callers must check <see cref="BicepResult.Diagnostics"/>.
/// </summary>
public static partial class BicepCli
{
    internal static readonly Regex DiagnosticLine = DiagnosticRegex();

    /// <summary>Path of the bicep executable.</summary>
    public static string Path
    {
        get
        {
            var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "BicepCli")?.Value;
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
                throw new FileNotFoundException($"The Bicep CLI was not found at '{path}'; restore tests/HardSamples.Orchestrator.Tests (PackageDownload Azure.Bicep.CommandLine.linux-x64).", path);
            return path;
        }
    }

    /// <summary>Runs <c>bicep {args}</c> and waits up to two minutes.</summary>
    public static BicepResult Run(params string[] args)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // No telemetry and no update checks: the CI machines are offline.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{Path}'.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', args)} did not finish in two minutes.");
        }
        return new BicepResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    // "<file>(line,col) : Warning BCP037: ..." / ": Error BCP..." / linter ": Warning no-unused-params: ...".
    [GeneratedRegex(@"\)\s*:\s*(Error|Warning)\b|\b(Error|Warning) BCP\d+", RegexOptions.IgnoreCase)]
    private static partial Regex DiagnosticRegex();
}
