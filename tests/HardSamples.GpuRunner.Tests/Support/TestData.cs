using System.IO.Compression;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Contracts;
using HardSamples.TestSupport;

namespace HardSamples.GpuRunner.Tests.Support;

/// <summary>Small prepared datasets written straight into a store, in the prepared-data contract's layout.</summary>
public static class TestData
{
    private const float MnistMean = 0.1307f;
    private const float MnistStd = 0.3081f;
    private static readonly Lazy<(byte[] Images, byte[] Labels)> Mnist = new(ReadMnistSample);

    /// <summary>
    /// The first <paramref name="count"/> bundled MNIST digits, normalised as the seed does, with splits A (even
    /// positions) and B (odd positions) and a manifest declaring 10 classes.
    /// </summary>
    public static async Task WriteMnistAsync(InMemoryArtifactStore store, string prefix, int count)
    {
        var (images, labels) = Mnist.Value;
        if (count > labels.Length) throw new ArgumentOutOfRangeException(nameof(count));
        var samples = new float[count * 784];
        for (var i = 0; i < samples.Length; i++) samples[i] = (images[i] / 255f - MnistMean) / MnistStd;
        var y = labels.Take(count).Select(b => (int)b).ToArray();
        await PutAsync(store, prefix + "samples.npy", Npy.ToBytes<float>(samples, [count, 1, 28, 28]));
        await PutAsync(store, prefix + "labels.npy", Npy.ToBytes<int>(y, [count]));
        var a = Enumerable.Range(0, count).Where(i => i % 2 == 0).ToArray();
        var b = Enumerable.Range(0, count).Where(i => i % 2 == 1).ToArray();
        await PutAsync(store, prefix + "splits/A.npy", Npy.ToBytes<int>(a, [a.Length]));
        await PutAsync(store, prefix + "splits/B.npy", Npy.ToBytes<int>(b, [b.Length]));
        await PutAsync(store, prefix + "manifest.json", System.Text.Encoding.UTF8.GetBytes($"{{\"schemaVersion\":1,\"count\":{count},\"classCount\":10}}"));
    }

    /// <summary>A job spec for the prepared set at <c>run1/data/</c>.</summary>
    public static JobSpec Spec(ProbeKind probe, string jobId, int epochs, Func<ProbeSettings, ProbeSettings>? settings = null) => new()
    {
        RunId = "run1",
        JobId = jobId,
        Probe = probe,
        DatasetPrefix = "run1/data/",
        Split = probe is ProbeKind.Ssft or ProbeKind.AeSsft ? "A" : "all",
        SecondSplit = probe is ProbeKind.Ssft or ProbeKind.AeSsft ? "B" : null,
        Epochs = epochs,
        Seed = 91,
        CheckpointEvery = 1,
        Device = ComputeDevice.Cpu,
        OutputPrefix = $"run1/probes/{jobId}/",
        Settings = (settings ?? (s => s))(ProbeDefaults.For(probe)),
    };

    /// <summary>Reads an array artifact.</summary>
    public static NdArray<T> Array<T>(InMemoryArtifactStore store, string name) where T : unmanaged
    {
        using var ms = new MemoryStream(store.Bytes(name));
        return Npy.Read<T>(ms, name);
    }

    private static async Task PutAsync(InMemoryArtifactStore store, string name, byte[] bytes)
    {
        using var ms = new MemoryStream(bytes);
        await store.PutAsync(name, ms);
    }

    private static (byte[] Images, byte[] Labels) ReadMnistSample()
    {
        var images = Gunzip(Path.Combine(RepoPaths.SampleDir, "t10k-images-idx3-ubyte.gz"));
        var labels = Gunzip(Path.Combine(RepoPaths.SampleDir, "t10k-labels-idx1-ubyte.gz"));
        if (BigEndian(images, 0) != 2051 || BigEndian(labels, 0) != 2049) throw new InvalidDataException("Bundled MNIST sample: bad IDX magic.");
        return (images[16..], labels[8..]);
    }

    private static int BigEndian(byte[] b, int at) => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];

    private static byte[] Gunzip(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }
}
