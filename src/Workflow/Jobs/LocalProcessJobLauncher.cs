using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using HardSamples.Shared.Contracts;

namespace HardSamples.Workflow.Jobs;

/// <summary>Settings of <see cref="LocalProcessJobLauncher"/>.</summary>
public sealed record LocalProcessLauncherOptions
{
    /// <summary>The runner: the <c>HardSamples.GpuRunner</c> executable, or its <c>.dll</c> (run with <c>dotnet</c>).</summary>
    public required string RunnerPath { get; init; }

    /// <summary>Storage specification handed to the runner as <c>HARDSAMPLES_STORAGE</c> (e.g. <c>local:/data</c> or a connection string).</summary>
    public required string StorageSpec { get; init; }

    /// <summary>Folder for job spec files and runner logs.</summary>
    public required string WorkFolder { get; init; }

    /// <summary>Runner processes at once; more jobs wait (reported as running).</summary>
    public int MaxConcurrent { get; init; } = 1;

    /// <summary>Torch threads per runner (<c>--threads</c>); null = the runner's default.</summary>
    public int? Threads { get; init; }

    /// <summary>Extra environment variables for the runner.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Runs each job as a child process <c>HardSamples.GpuRunner --job SPEC</c> (storage from <c>HARDSAMPLES_STORAGE</c>),
/// at most <see cref="LocalProcessLauncherOptions.MaxConcurrent"/> at a time, and reports each exit to the
/// <see cref="IJobCompletionSink"/>. Each started runner's process id and start time are kept beside its spec file, so a
/// status query from a later process (a resumed run) still recognises a runner that outlived its parent.
/// </summary>
public sealed class LocalProcessJobLauncher(LocalProcessLauncherOptions options, IJobCompletionSink? sink = null) : IJobLauncher, IDisposable
{
    /// <summary>The <see cref="JobHandle.Launcher"/> value.</summary>
    public const string LauncherKind = "process";

    private readonly ConcurrentDictionary<string, Execution> _executions = new();
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.MaxConcurrent));

    private sealed class Execution
    {
        public required JobSpec Spec { get; init; }
        public required string SpecPath { get; init; }
        public required string LogPath { get; init; }
        public Process? Process { get; set; }
        public JobExecutionState State { get; set; } = new(JobStatus.Running, "queued");
        public bool CancelRequested { get; set; }
    }

    /// <inheritdoc />
    public async Task<JobHandle> StartAsync(JobSpec spec, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(options.WorkFolder);
        var stem = $"{spec.RunId}-{spec.JobId}-{Guid.NewGuid():N}";
        var specPath = Path.Combine(options.WorkFolder, stem + ".json");
        await File.WriteAllTextAsync(specPath, JsonSerializer.Serialize(spec, ArtifactJson.Options), cancellationToken);
        var id = "local-" + stem;
        var execution = new Execution { Spec = spec, SpecPath = specPath, LogPath = Path.Combine(options.WorkFolder, stem + ".log") };
        _executions[id] = execution;
        _ = Task.Run(() => RunAsync(id, execution), CancellationToken.None);
        return new JobHandle(spec.RunId, spec.JobId, id, LauncherKind);
    }

    /// <inheritdoc />
    public Task<JobExecutionState> GetStatusAsync(JobHandle handle, CancellationToken cancellationToken = default)
    {
        if (_executions.TryGetValue(handle.ExecutionId, out var e)) return Task.FromResult(e.State);
        // Not started by this process: alive only if the recorded runner process still exists.
        return Task.FromResult(ForeignProcessAlive(handle.ExecutionId)
            ? new JobExecutionState(JobStatus.Running, "runner started by an earlier process")
            : new JobExecutionState(JobStatus.Failed, $"runner of job '{handle.JobId}' is not running (its process ended or belonged to a stopped run)"));
    }

    /// <inheritdoc />
    public Task CancelAsync(JobHandle handle, CancellationToken cancellationToken = default)
    {
        if (_executions.TryGetValue(handle.ExecutionId, out var e))
        {
            e.CancelRequested = true;
            if (e.Process is { HasExited: false } p) Terminate(p.Id);
        }
        else if (ForeignProcessAlive(handle.ExecutionId) && TryReadPid(handle.ExecutionId, out var pid, out _))
        {
            Terminate(pid);
        }
        return Task.CompletedTask;
    }

    /// <summary>Stops every runner this launcher started.</summary>
    public void Dispose()
    {
        foreach (var e in _executions.Values)
        {
            e.CancelRequested = true;
            if (e.Process is { HasExited: false } p) Terminate(p.Id);
        }
    }

    private async Task RunAsync(string id, Execution e)
    {
        await _slots.WaitAsync();
        try
        {
            if (e.CancelRequested)
            {
                e.State = new JobExecutionState(JobStatus.Cancelled, "cancelled before it started");
                return;
            }
            var psi = new ProcessStartInfo { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            if (options.RunnerPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                psi.FileName = "dotnet";
                psi.ArgumentList.Add(options.RunnerPath);
            }
            else
            {
                psi.FileName = options.RunnerPath;
            }
            psi.ArgumentList.Add("--job");
            psi.ArgumentList.Add(e.SpecPath);
            if (options.Threads is { } threads)
            {
                psi.ArgumentList.Add("--threads");
                psi.ArgumentList.Add(threads.ToString(CultureInfo.InvariantCulture));
            }
            psi.Environment["HARDSAMPLES_STORAGE"] = options.StorageSpec;
            psi.Environment.Remove("DOTNET_PROCESSOR_COUNT"); // the runner sizes its thread pools by the real cores
            foreach (var (k, v) in options.Environment) psi.Environment[k] = v;
            await using var log = new StreamWriter(e.LogPath, append: true) { AutoFlush = true };
            var process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, d) => { if (d.Data is not null) lock (log) log.WriteLine(d.Data); };
            process.ErrorDataReceived += (_, d) => { if (d.Data is not null) lock (log) log.WriteLine(d.Data); };
            process.Start();
            e.Process = process;
            await File.WriteAllTextAsync(PidFile(id), ProcessTag(process.Id));
            e.State = new JobExecutionState(JobStatus.Running, $"runner pid {process.Id}");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await process.WaitForExitAsync();
            var code = process.ExitCode;
            e.State = code switch
            {
                0 => new JobExecutionState(JobStatus.Succeeded),
                130 or 143 => new JobExecutionState(JobStatus.Cancelled, "runner stopped"),
                _ => new JobExecutionState(e.CancelRequested ? JobStatus.Cancelled : JobStatus.Failed,
                    $"runner exited with code {code}: {LastLines(e.LogPath)}"),
            };
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            e.State = new JobExecutionState(JobStatus.Failed, $"could not run '{options.RunnerPath}': {ex.Message}");
        }
        finally
        {
            _slots.Release();
        }
        if (sink is not null)
        {
            try
            {
                await sink.JobCompletedAsync(e.Spec.RunId, new JobCompletedEvent(e.Spec.JobId, null, e.State.Status, e.State.Message));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The orchestrator's status poll will notice the exit anyway.
            }
        }
    }

    private string PidFile(string executionId) => Path.Combine(options.WorkFolder, executionId + ".pid");

    /// <summary><c>{pid} {start ticks}</c>: identifies one process even after its id is reused.</summary>
    private static string ProcessTag(int pid) => $"{pid} {StartTicks(pid)}";

    private bool ForeignProcessAlive(string executionId)
        => TryReadPid(executionId, out var pid, out var ticks) && StartTicks(pid) is { } now && now == ticks;

    private bool TryReadPid(string executionId, out int pid, out long ticks)
    {
        pid = 0;
        ticks = 0;
        if (!executionId.StartsWith("local-", StringComparison.Ordinal) || executionId.IndexOfAny(['/', '\\']) >= 0) return false;
        try
        {
            var parts = File.ReadAllText(PidFile(executionId)).Split(' ');
            return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out pid)
                   && long.TryParse(parts[1], CultureInfo.InvariantCulture, out ticks);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The process start time in clock ticks since boot (field 22 of /proc/PID/stat), or null when gone.</summary>
    private static long? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static void Terminate(int pid)
    {
        _ = kill(pid, 15);
        _ = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
            if (StartTicks(pid) is not null) _ = kill(pid, 9);
        });
    }

    private static string LastLines(string path)
    {
        try
        {
            var lines = File.ReadLines(path).TakeLast(3).ToArray();
            return lines.Length == 0 ? "(no output)" : string.Join(" | ", lines);
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
