using System.Net;
using System.Net.Sockets;
using HardSamples.Shared.Storage;
using HardSamples.Workflow.Jobs;
using HardSamples.Workflow.Status;
using HardSamples.Workflow.Steps;
using HardSamples.Workflow.Tests.Fakes;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HardSamples.Workflow.Tests;

/// <summary>The real orchestrator and activities in the Durable Task in-memory host, with fake steps and launcher.</summary>
public sealed class WorkflowHarness : IAsyncDisposable
{
    private readonly IHost _host;

    private WorkflowHarness(IHost host, Parts parts)
    {
        _host = host;
        P = parts;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
        Status = host.Services.GetRequiredService<IRunStatusStore>();
        Runs = new RunClient(Client, parts.Store, Status, parts.Launcher);
        parts.Launcher.Notify = (runId, e) => Runs.CompleteJobAsync(runId, e);
    }

    /// <summary>The pieces a harness runs on; a second harness on the same parts simulates a restarted process.</summary>
    public sealed class Parts
    {
        public InMemoryArtifactStore Store { get; } = new();
        public InMemoryTableStore Tables { get; } = new();
        public FakeJobLauncher Launcher { get; }
        public FakeDatasetStep Dataset { get; init; } = new();
        public FakeMetricStep Metrics { get; init; } = new();
        public FakeResultsStep Results { get; init; } = new();
        public Parts() => Launcher = new FakeJobLauncher(Store);
    }

    public Parts P { get; }
    public DurableTaskClient Client { get; }
    public IRunStatusStore Status { get; }
    public RunClient Runs { get; }

    public static async Task<WorkflowHarness> StartAsync(Parts? parts = null)
    {
        parts ??= new Parts();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IArtifactStore>(parts.Store);
        builder.Services.AddSingleton<ITableStore>(parts.Tables);
        builder.Services.AddSingleton<IJobLauncher>(parts.Launcher);
        builder.Services.AddSingleton<IDatasetStep>(parts.Dataset);
        builder.Services.AddSingleton<IMetricStep>(parts.Metrics);
        builder.Services.AddSingleton<IResultsStep>(parts.Results);
        builder.Services.AddSingleton<IRunStatusStore, RunStatusStore>();
        builder.Services.AddSingleton(new JobCallbackOptions());
        builder.Services.AddInMemoryDurableTask(r => r.AddRunWorkflow(), new InMemoryDurableTaskOptions { Port = FreePort() });
        var host = builder.Build();
        await host.StartAsync();
        return new WorkflowHarness(host, parts);
    }

    /// <summary>A request with fast retries and polls, suited to tests.</summary>
    public static RunRequest FastRequest(string runId, int pollMs = 1000) => new()
    {
        RunId = runId,
        Dataset = "mnist-sample",
        Wait = new JobWaitPolicy { PollInterval = TimeSpan.FromMilliseconds(pollMs), Timeout = TimeSpan.FromSeconds(30), MaxAttempts = 2 },
        Retry = new ActivityRetrySettings { MaxAttempts = 3, FirstRetryInterval = TimeSpan.FromMilliseconds(100), BackoffCoefficient = 1 },
    };

    public async Task<OrchestrationMetadata> WaitAsync(string runId, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        return await Client.WaitForInstanceCompletionAsync(runId, getInputsAndOutputs: true, cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _host.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        _host.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
