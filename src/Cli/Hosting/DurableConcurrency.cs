using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace HardSamples.Cli.Hosting;

/// <summary>
/// The Durable Task in-memory service caps concurrent work items at <see cref="Environment.ProcessorCount"/> and polls
/// every 500 ms while at the cap, so on 2 cores every round of a fan-out pauses. The runtime reads the count once at
/// start-up from <c>DOTNET_PROCESSOR_COUNT</c> (there is no runtimeconfig knob for it), so commands that host the
/// workflow re-run the CLI once with the variable set. The real core count travels in <see cref="CpuCountVariable"/>
/// for code that sizes CPU work (torch threads, metric kernels).
/// </summary>
internal static class DurableConcurrency
{
    /// <summary>The runtime's processor-count override.</summary>
    public const string Variable = "DOTNET_PROCESSOR_COUNT";

    /// <summary>The value the CLI runs the workflow with.</summary>
    public const int ProcessorCount = 32;

    /// <summary>Carries the machine's real core count into the re-run process.</summary>
    public const string CpuCountVariable = "HARDSAMPLES_CPU_COUNT";

    /// <summary>Commands that host the workflow (and so need the variable).</summary>
    public static readonly IReadOnlySet<string> Commands = new HashSet<string>(StringComparer.Ordinal) { "run", "env" };

    /// <summary>The cores this machine really has (the count before the override).</summary>
    public static int RealCpuCount =>
        int.TryParse(Environment.GetEnvironmentVariable(CpuCountVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : Environment.ProcessorCount;

    /// <summary>True when this process runs with the override in effect.</summary>
    public static bool InEffect => Environment.ProcessorCount >= ProcessorCount;

    /// <summary>
    /// Re-runs this CLI with <see cref="Variable"/> set when a workflow command runs without it; returns the child's exit
    /// code, or null when this process should go on (variable present, other command, or the re-run is not possible).
    /// </summary>
    public static int? RerunIfNeeded(string[] args)
    {
        if (args.Length == 0 || !Commands.Contains(args[0])) return null;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))) return null;
        var exe = Environment.ProcessPath;
        if (exe is null) return null;
        var psi = new ProcessStartInfo(exe) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet")
        {
            var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
            if (string.IsNullOrEmpty(entry)) return null;
            psi.ArgumentList.Add(entry);
        }
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment[Variable] = ProcessorCount.ToString(CultureInfo.InvariantCulture);
        psi.Environment[CpuCountVariable] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
        using var child = Process.Start(psi);
        if (child is null) return null;
        // Ctrl+C reaches the whole process group; the child handles it. Forward a SIGTERM sent to this process only.
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            c.Cancel = true;
            try { _ = kill(child.Id, 15); } catch (InvalidOperationException) { }
        });
        child.WaitForExit();
        return child.ExitCode;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
