using System.Collections.Concurrent;
using HardSamples.Shared.Contracts;
using HardSamples.TestSupport;
using HardSamples.Workflow.Jobs;

namespace HardSamples.Workflow.Tests;

/// <summary>The process launcher with a stand-in runner script (exit code and duration chosen by the job id).</summary>
public sealed class LocalProcessJobLauncherTests : IDisposable
{
    private readonly TempDirectory _dir = new("launcher");
    private readonly string _runner;
    private readonly Sink _sink = new();

    public LocalProcessJobLauncherTests()
    {
        _runner = _dir.File("fake-runner.sh");
        // Arguments: --job SPEC. The spec file name starts with {runId}-{jobId}-: "ok" exits 0, "bad" 3, "slow" sleeps.
        File.WriteAllText(_runner, """
            #!/bin/sh
            spec="$2"
            echo "storage=$HARDSAMPLES_STORAGE spec=$spec"
            case "$(basename "$spec")" in
              *-ok-*) exit 0 ;;
              *-bad-*) echo "boom: bad data" >&2; exit 3 ;;
              *-slow-*) sleep 30 & trap 'kill $! 2>/dev/null; exit 130' TERM; wait ;;
            esac
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(_runner, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => _dir.Dispose();

    private sealed class Sink : IJobCompletionSink
    {
        public ConcurrentQueue<JobCompletedEvent> Events { get; } = new();
        public Task JobCompletedAsync(string runId, JobCompletedEvent completed, CancellationToken cancellationToken = default)
        {
            Events.Enqueue(completed);
            return Task.CompletedTask;
        }
    }

    private LocalProcessJobLauncher Launcher(int concurrent = 2) => new(new LocalProcessLauncherOptions
    {
        RunnerPath = _runner, StorageSpec = "local:/tmp/x", WorkFolder = _dir.File("work"), MaxConcurrent = concurrent,
    }, _sink);

    private static JobSpec Spec(string jobId) => new() { RunId = "run-p", JobId = jobId, Probe = ProbeKind.Autoencoder, DatasetPrefix = "run-p/data/", OutputPrefix = $"run-p/probes/{jobId}/" };

    private static async Task<JobExecutionState> WaitEndAsync(IJobLauncher launcher, JobHandle handle)
    {
        for (var i = 0; i < 300; i++)
        {
            var s = await launcher.GetStatusAsync(handle);
            if (s.Status != JobStatus.Running) return s;
            await Task.Delay(100);
        }
        throw new TimeoutException("the job did not end");
    }

    [Fact]
    public async Task Exit_codes_map_to_job_states_and_are_reported_to_the_sink()
    {
        using var launcher = Launcher();
        var ok = await launcher.StartAsync(Spec("ok"));
        var bad = await launcher.StartAsync(Spec("bad"));

        Assert.Equal(JobStatus.Succeeded, (await WaitEndAsync(launcher, ok)).Status);
        var failed = await WaitEndAsync(launcher, bad);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Contains("exited with code 3", failed.Message);
        Assert.Contains("boom: bad data", failed.Message);
        for (var i = 0; i < 50 && _sink.Events.Count < 2; i++) await Task.Delay(100);
        Assert.Equal(["bad", "ok"], _sink.Events.Select(e => e.JobId).Order());
        Assert.Contains("storage=local:/tmp/x", File.ReadAllText(Directory.GetFiles(_dir.File("work"), "run-p-ok-*.log").Single()));
    }

    [Fact]
    public async Task Cancel_stops_a_running_runner_and_a_later_process_sees_it_gone()
    {
        JobHandle handle;
        using (var launcher = Launcher())
        {
            handle = await launcher.StartAsync(Spec("slow"));
            await Task.Delay(500);
            // Another launcher (a resumed CLI) recognises the runner through its pid file.
            Assert.Equal(JobStatus.Running, (await Launcher().GetStatusAsync(handle)).Status);
            await launcher.CancelAsync(handle);
            Assert.Equal(JobStatus.Cancelled, (await WaitEndAsync(launcher, handle)).Status);
        }
        Assert.Equal(JobStatus.Failed, (await Launcher().GetStatusAsync(handle)).Status);
    }

    [Fact]
    public async Task Jobs_beyond_the_concurrency_limit_wait_their_turn()
    {
        using var launcher = Launcher(concurrent: 1);
        var slow = await launcher.StartAsync(Spec("slow"));
        var ok = await launcher.StartAsync(Spec("ok"));
        await Task.Delay(700);
        Assert.Equal("queued", (await launcher.GetStatusAsync(ok)).Message);
        await launcher.CancelAsync(slow);
        Assert.Equal(JobStatus.Succeeded, (await WaitEndAsync(launcher, ok)).Status);
    }

    [Fact]
    public async Task A_missing_runner_fails_the_job_with_its_path()
    {
        using var launcher = new LocalProcessJobLauncher(new LocalProcessLauncherOptions { RunnerPath = _dir.File("nope"), StorageSpec = "local:/x", WorkFolder = _dir.File("w") });
        var state = await WaitEndAsync(launcher, await launcher.StartAsync(Spec("ok")));
        Assert.Equal(JobStatus.Failed, state.Status);
        Assert.Contains("nope", state.Message);
    }
}
