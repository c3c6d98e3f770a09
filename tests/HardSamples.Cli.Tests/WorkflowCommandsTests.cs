using System.Diagnostics;
using HardSamples.TestSupport;

namespace HardSamples.Cli.Tests;

/// <summary>The workflow commands' process-level behaviour: the processor-count re-run and the status listing.</summary>
public sealed class WorkflowCommandsTests
{
    private static (int Code, string Out, string Err) RunCli(IDictionary<string, string?> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hardsamples.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env)
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException("hardsamples did not exit within 60 s");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void The_cli_reruns_itself_with_the_durable_concurrency_fix()
    {
        var (code, output, err) = RunCli(new Dictionary<string, string?> { ["DOTNET_PROCESSOR_COUNT"] = null, ["HARDSAMPLES_CPU_COUNT"] = null }, "env");

        Assert.True(code == 0, err);
        Assert.Contains("dotnet-processor-count: 32", output);
        Assert.Contains($"cpu-count: {Environment.ProcessorCount}", output);
        Assert.Contains("durable-concurrency-fix: on", output);
    }

    [Fact]
    public void A_set_processor_count_is_respected_without_a_rerun()
    {
        var (code, output, err) = RunCli(new Dictionary<string, string?> { ["DOTNET_PROCESSOR_COUNT"] = "40", ["HARDSAMPLES_CPU_COUNT"] = "3" }, "env");

        Assert.True(code == 0, err);
        Assert.Contains("dotnet-processor-count: 40", output);
        Assert.Contains("cpu-count: 3", output);
    }

    [Fact]
    public void Status_of_an_empty_folder_lists_no_runs_and_an_unknown_run_fails()
    {
        using var dir = new TempDirectory("status");
        var runs = Path.Combine(dir.Path, "runs");
        var (code, output, err) = RunCli(new Dictionary<string, string?>(), "status", "--out", runs);
        Assert.True(code == 0, err);
        Assert.Contains("No runs", output);

        var (missing, _, missingErr) = RunCli(new Dictionary<string, string?>(), "status", "run-none", "--out", runs);
        Assert.Equal(1, missing);
        Assert.Contains("does not exist", missingErr);

        var (bad, _, badErr) = RunCli(new Dictionary<string, string?>(), "status", "../etc", "--out", runs);
        Assert.Equal(2, bad);
        Assert.Contains("invalid", badErr);
    }

    [Fact]
    public void Run_rejects_bad_options_before_starting_anything()
    {
        using var dir = new TempDirectory("badrun");
        var runs = Path.Combine(dir.Path, "runs");
        var (code, _, err) = RunCli(new Dictionary<string, string?>(), "run", "--out", runs, "--probes", "ae,gan", "--plain");
        Assert.Equal(2, code);
        Assert.Contains("probe 'gan' is unknown", err);
        var (missing, _, missingErr) = RunCli(new Dictionary<string, string?>(), "run", "--out", runs, "--dataset", Path.Combine(dir.Path, "nope"), "--plain");
        Assert.Equal(2, missing);
        Assert.Contains("does not exist", missingErr);
        Assert.DoesNotContain(Directory.GetDirectories(runs), d => !Path.GetFileName(d).StartsWith('.'));
    }
}
