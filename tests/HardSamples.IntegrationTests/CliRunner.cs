using System.Diagnostics;
using System.Text;

namespace HardSamples.IntegrationTests;

/// <summary>Runs the built <c>hardsamples</c> CLI (copied beside the tests) as a child process.</summary>
internal sealed class CliRunner : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private CliRunner(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Everything written so far (stdout and stderr).</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    public bool HasExited => _process.HasExited;

    public static CliRunner Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hardsamples.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        return new CliRunner(Process.Start(psi) ?? throw new InvalidOperationException("could not start hardsamples"));
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"hardsamples did not finish within {timeout}:\n{Output}");
        }
        _process.WaitForExit(); // drain the output
        return _process.ExitCode;
    }

    /// <summary>Kills the CLI and everything it started (as a crash or `kill -9` would end it).</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
