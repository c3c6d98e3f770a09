using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using HardSamples.GpuRunner;
using HardSamples.GpuRunner.Training;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage.Local;

namespace HardSamples.Cli.Bench;

/// <summary>Settings of <c>hardsamples bench ae</c>.</summary>
/// <param name="ImagesPath">IDX (optionally .gz) training images, e.g. Fashion-MNIST train.</param>
/// <param name="SourceCount">Source images used (n); the dataset holds n − len_aug/2 (60,000 → 57,000) like the seed's.</param>
/// <param name="Epochs">Epochs to time.</param>
/// <param name="Threads">Torch threads (null = libtorch default).</param>
/// <param name="RecordBatch">Batch size of the recorded pass.</param>
public sealed record AeBenchmarkSettings(string ImagesPath, int SourceCount, int Epochs, int? Threads, int RecordBatch);

/// <summary>One timed epoch.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Seconds">Whole epoch: training, recorded pass, writing and checkpoint.</param>
/// <param name="Cpu">CPU figures of the epoch.</param>
public sealed record EpochTiming(int Epoch, double Seconds, CpuMeter.Lap Cpu);

/// <summary>Times the autoencoder probe the way production runs it (whole set in one tensor, one recorded pass per epoch).</summary>
public static class AeBenchmark
{
    /// <summary>
    /// Builds the seed-shaped dataset from the first <see cref="AeBenchmarkSettings.SourceCount"/> images (normalised;
    /// the last len_aug/2 positions are (x₁+x₂)/1.58 mixtures, len_aug = 10 % of n made even; a seeded shuffle picks
    /// them, not NumPy's), then runs an AE job and returns per-epoch timings.
    /// </summary>
    public static async Task<(IReadOnlyList<EpochTiming> Epochs, JobResult Result, int Samples)> RunAsync(AeBenchmarkSettings settings, Action<EpochTiming>? onEpoch, CancellationToken cancellationToken)
    {
        var (samples, count) = BuildSeedDataset(ReadIdxImages(settings.ImagesPath), settings.SourceCount);
        var folder = Path.Combine(Path.GetTempPath(), $"hs-bench-ae-{Guid.NewGuid():N}");
        try
        {
            var store = new LocalArtifactStore(folder);
            using (var ms = new MemoryStream(Npy.ToBytes<float>(samples, [count, 1, 28, 28])))
                await store.PutAsync("bench/data/samples.npy", ms, cancellationToken: cancellationToken);
            var spec = new JobSpec
            {
                RunId = "bench",
                JobId = "ae",
                Probe = ProbeKind.Autoencoder,
                DatasetPrefix = "bench/data/",
                OutputPrefix = "bench/probes/ae/",
                Epochs = settings.Epochs,
                Device = ComputeDevice.Cpu,
                CheckpointEvery = 1,
                Settings = ProbeDefaults.For(ProbeKind.Autoencoder) with
                {
                    SsimEvery = 0,
                    Extra = new Dictionary<string, string> { ["recordBatch"] = settings.RecordBatch.ToString(CultureInfo.InvariantCulture) },
                },
            };
            var timings = new List<EpochTiming>();
            CpuMeter? meter = null;
            var progress = new Callback(p =>
            {
                var lap = meter!.Next();
                var timing = new EpochTiming(p.Epoch, lap.Wall, lap);
                timings.Add(timing);
                onEpoch?.Invoke(timing);
            });
            // The meter starts when the data is loaded: the first epoch excludes process start and file reading.
            var options = new ProbeRunOptions { Threads = settings.Threads, OnStarted = () => meter = new CpuMeter() };
            var result = await ProbeRunner.RunAsync(spec, store, progress, options, cancellationToken);
            return (timings, result, count);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The seed's dataset layout from uint8 images [n,28,28] (see <see cref="RunAsync"/>).</summary>
    public static (float[] Samples, int Count) BuildSeedDataset(byte[][] images, int sourceCount)
    {
        var n = Math.Min(sourceCount, images.Length);
        var lenAug = (int)(0.1 * n);
        if (lenAug % 2 != 0) lenAug--;
        var perm = EpochPermutation.Create(91, 0, n);
        var count = n - lenAug / 2;
        var samples = new float[(long)count * 784];
        float Pixel(int image, int p) => (images[image][p] / 255f - 0.1307f) / 0.3081f;
        for (var pos = 0; pos < count; pos++)
        {
            var source = (int)perm[pos];
            var mixture = pos >= n - lenAug;
            var partner = mixture ? (int)perm[pos + lenAug / 2] : -1;
            for (var p = 0; p < 784; p++)
                samples[(long)pos * 784 + p] = mixture ? (Pixel(source, p) + Pixel(partner, p)) / 1.58f : Pixel(source, p);
        }
        return (samples, count);
    }

    /// <summary>Reads IDX3 uint8 images (plain or gzip).</summary>
    /// <exception cref="InvalidDataException">Not an IDX3 image file.</exception>
    public static byte[][] ReadIdxImages(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        var b = ms.ToArray();
        int Be(int at) => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
        if (b.Length < 16 || Be(0) != 2051) throw new InvalidDataException($"{path}: not an IDX3 image file.");
        var (n, h, w) = (Be(4), Be(8), Be(12));
        if (h != 28 || w != 28 || b.Length < 16 + (long)n * h * w) throw new InvalidDataException($"{path}: expected 28×28 images, got {h}×{w} or a truncated file.");
        return Enumerable.Range(0, n).Select(i => b.AsSpan(16 + i * 784, 784).ToArray()).ToArray();
    }

    /// <summary>Per-epoch seconds of the seed loop's history.json: (train + embeddings + loss passes, the same plus the test pass, foreign CPU).</summary>
    public static IReadOnlyList<(double TrainAndRecord, double WithTest, double ForeignCpu)> ReadSeedHistory(string historyPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(historyPath));
        var h = doc.RootElement.GetProperty("history");
        double[] Get(string name) => h.GetProperty(name).EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var (train, emb, loss, test) = (Get("t_train"), Get("t_emb"), Get("t_loss"), Get("t_test"));
        var cpu = h.GetProperty("cpu").EnumerateArray().Select(e =>
            new[] { "train", "emb", "loss", "test" }.Sum(k => e.GetProperty(k).GetProperty("foreign_cpu").GetDouble())).ToArray();
        return Enumerable.Range(0, train.Length).Select(i => (train[i] + emb[i] + loss[i], train[i] + emb[i] + loss[i] + test[i], cpu[i])).ToArray();
    }

    /// <summary>Runs the seed loop script with /usr/bin/python3; returns its history.json path.</summary>
    public static async Task<string> RunSeedLoopAsync(string script, int sourceCount, int epochs, int threads, string outputFolder, Action<string> onLine, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outputFolder);
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { script, "--data", "fashion60k", "--n", sourceCount.ToString(CultureInfo.InvariantCulture), "--epochs", epochs.ToString(CultureInfo.InvariantCulture), "--threads", threads.ToString(CultureInfo.InvariantCulture), "--out", outputFolder })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start /usr/bin/python3.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) onLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"The seed loop exited with code {process.ExitCode}.");
        return Path.Combine(outputFolder, "history.json");
    }

    private sealed class Callback(Action<ProbeProgress> action) : IProgress<ProbeProgress>
    {
        public void Report(ProbeProgress value) => action(value);
    }
}
