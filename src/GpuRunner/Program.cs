using System.Globalization;
using System.Net.Http.Json;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;

namespace HardSamples.GpuRunner;

/// <summary>
/// Container entry point: <c>HardSamples.GpuRunner [--job &lt;path-or-blob-uri&gt;] [--storage SPEC] [--threads N]</c>.
/// Without <c>--job</c> the spec comes from <see cref="JobEnvironment.SpecVariable"/> (how the Container Apps launcher
/// starts it). The store is chosen by <see cref="RunnerStorage.Resolve"/> (<c>--storage</c>, <c>HARDSAMPLES_STORAGE</c>,
/// or the deployed <c>HardSamplesStorage__blobServiceUri</c> + <c>HardSamples__RunsContainer</c> settings).
/// Exit codes: 0 succeeded, 1 failed (see result.json), 2 usage error, 130 cancelled (resumable).
/// </summary>
public static class Program
{
    /// <summary>Runs one job spec and returns its exit code.</summary>
    public static async Task<int> Main(string[] args)
    {
        string? job = null, storage = null;
        int? threads = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--job": job = Next(); break;
                    case "--storage": storage = Next(); break;
                    case "--threads": threads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                    case "-h" or "--help": Console.WriteLine(Usage); return 0;
                    default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine($"{e.Message}\n{Usage}");
                return 2;
            }
        }
        if (job is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(JobEnvironment.SpecVariable)))
        {
            Console.Error.WriteLine($"No job: pass --job or set {JobEnvironment.SpecVariable}.\n{Usage}");
            return 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; cts.Cancel(); });
        try
        {
            var spec = job is not null ? await JobSource.LoadAsync(job, cts.Token) : JobEnvironment.FromEnvironment()!;
            var stores = RunnerStorage.Resolve(storage, Environment.GetEnvironmentVariable);
            Console.WriteLine($"GpuRunner: job {spec.RunId}/{spec.JobId} ({spec.Probe}, {spec.Epochs} epochs) on {stores.Description}");
            var progress = new ConsoleProgress();
            var result = await ProbeRunner.RunAsync(spec, stores.Runs, progress, new ProbeRunOptions { Threads = threads }, cts.Token);
            Console.WriteLine(result.Status == JobStatus.Succeeded
                ? $"GpuRunner: succeeded on {result.Device}; {result.Artifacts.Count} artifacts under {spec.OutputPrefix}"
                : $"GpuRunner: {result.Status}: {result.Error}");
            if (spec.CallbackUrl is { } callback) await PostResultAsync(callback, result, cts.Token);
            return result.Status == JobStatus.Succeeded ? 0 : 1;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("GpuRunner: cancelled; the last checkpoint stays in place and a rerun resumes from it.");
            return 130;
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or FormatException or ArgumentException or Azure.RequestFailedException or Azure.Identity.AuthenticationFailedException)
        {
            Console.Error.WriteLine($"GpuRunner: {e.Message}");
            return 2;
        }
    }

    private const string Usage =
        "Usage: HardSamples.GpuRunner [--job <spec.json | https://ACCOUNT.blob.core.windows.net/CONTAINER/spec.json>] " +
        "[--storage local:PATH | CONNECTION-STRING | https://ACCOUNT.blob.core.windows.net] [--threads N]\n" +
        $"(job defaults to ${JobEnvironment.SpecVariable}; storage to ${RunnerStorage.StorageVariable}, then the deployed HardSamplesStorage__blobServiceUri settings)";

    private static async Task PostResultAsync(string url, JobResult result, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                using var response = await http.PostAsJsonAsync(url, result, ContractJson.Options, cancellationToken);
                if (response.IsSuccessStatusCode) return;
                Console.Error.WriteLine($"GpuRunner: callback answered {(int)response.StatusCode} (attempt {attempt}).");
            }
            catch (HttpRequestException e)
            {
                Console.Error.WriteLine($"GpuRunner: callback failed (attempt {attempt}): {e.Message}");
            }
            await Task.Delay(TimeSpan.FromSeconds(2 * attempt), cancellationToken);
        }
    }

    private sealed class ConsoleProgress : IProgress<ProbeProgress>
    {
        public void Report(ProbeProgress p) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{p.Phase} epoch {p.Epoch}/{p.TotalEpochs}: loss {p.Loss:G5}, {p.SamplesPerSecond:F0} samples/s, {p.Elapsed.TotalSeconds:F1} s"));
    }
}
