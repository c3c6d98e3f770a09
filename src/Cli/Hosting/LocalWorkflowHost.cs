using System.Net;
using System.Net.Sockets;
using HardSamples.Cli.Jobs;
using HardSamples.Workflow;
using HardSamples.Workflow.Jobs;
using HardSamples.Workflow.Status;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HardSamples.Cli.Hosting;

/// <summary>Which launcher runs the probe jobs locally.</summary>
internal enum LocalLauncher
{
    /// <summary>In this process, through the GpuRunner library.</summary>
    InProcess,
    /// <summary>As <c>HardSamples.GpuRunner --job</c> child processes.</summary>
    Process,
}

/// <summary>
/// The same <see cref="RunOrchestrator"/> and activities as in Azure, hosted in this process by the Durable Task
/// in-memory service (<c>AddInMemoryDurableTask</c>), with the real steps on the CLI's stores and a local launcher.
/// Orchestration state lives in memory only; the stores keep every artifact, so an interrupted run continues with
/// <c>--resume</c>.
/// </summary>
internal sealed class LocalWorkflowHost : IAsyncDisposable, IJobCompletionSink
{
    private readonly IHost _host;
    private RunClient? _runs;

    private LocalWorkflowHost(IHost host, CliStorage storage, JobProgressBoard board)
    {
        _host = host;
        Storage = storage;
        Board = board;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
        Status = host.Services.GetRequiredService<IRunStatusStore>();
    }

    public CliStorage Storage { get; }
    public JobProgressBoard Board { get; }
    public DurableTaskClient Client { get; }
    public IRunStatusStore Status { get; }
    public RunClient Runs => _runs ??= new RunClient(Client, Storage.Runs, Status, _host.Services.GetRequiredService<IJobLauncher>());

    /// <summary>Starts the host.</summary>
    public static async Task<LocalWorkflowHost> StartAsync(CliStorage storage, LocalLauncher launcher, int? threads, CancellationToken cancellationToken)
    {
        var board = new JobProgressBoard();
        LocalWorkflowHost? self = null;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddRunWorkflowServices(storage.Runs, storage.Datasets, storage.Tables, new WorkflowServiceOptions
        {
            AllowLocalDatasetPaths = true,
            MaxDegreeOfParallelism = DurableConcurrency.RealCpuCount,
        });
        // ReSharper disable once AccessToModifiedClosure: the sink is this host, created right after the service provider.
        IJobCompletionSink Sink() => new DeferredSink(() => self);
        builder.Services.AddSingleton<IJobLauncher>(sp => launcher switch
        {
            LocalLauncher.Process => new LocalProcessJobLauncher(new LocalProcessLauncherOptions
            {
                RunnerPath = RunnerPath(),
                StorageSpec = storage.RunnerStorage ?? throw new InvalidOperationException(
                    $"The process launcher needs storage a GpuRunner process can open; with local storage the --out folder must be named 'runs' (it is '{storage.LocalRunsFolder}')."),
                WorkFolder = Path.Join(Path.GetTempPath(), "hardsamples-jobs"),
                Threads = threads,
            }, Sink()),
            _ => new InProcessJobLauncher(storage.Runs, board, Sink(), threads),
        });
        builder.Services.AddInMemoryDurableTask(r => r.AddRunWorkflow(), new InMemoryDurableTaskOptions { Port = FreePort() });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        self = new LocalWorkflowHost(host, storage, board);
        return self;
    }

    /// <inheritdoc />
    public Task JobCompletedAsync(string runId, JobCompletedEvent completed, CancellationToken cancellationToken = default)
        => Runs.CompleteJobAsync(runId, completed, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        (_host.Services.GetService<IJobLauncher>() as IDisposable)?.Dispose();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _host.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        _host.Dispose();
    }

    /// <summary>The GpuRunner beside this CLI (its build output is copied here by the project reference).</summary>
    private static string RunnerPath()
    {
        foreach (var name in new[] { "HardSamples.GpuRunner", "HardSamples.GpuRunner.dll" })
        {
            var path = Path.Join(AppContext.BaseDirectory, name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"HardSamples.GpuRunner was not found beside the CLI in '{AppContext.BaseDirectory}'.");
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private sealed class DeferredSink(Func<LocalWorkflowHost?> host) : IJobCompletionSink
    {
        public Task JobCompletedAsync(string runId, JobCompletedEvent completed, CancellationToken cancellationToken = default)
            => host() is { } h ? h.JobCompletedAsync(runId, completed, cancellationToken) : Task.CompletedTask;
    }
}
