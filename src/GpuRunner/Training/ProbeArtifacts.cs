using System.Runtime.InteropServices;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;

namespace HardSamples.GpuRunner.Training;

/// <summary>
/// Writes a job's arrays through the artifact store. Per-epoch rows go to part blobs under
/// <c>{O}checkpoint/parts/{array}/{index}.npy</c> as soon as they exist (they are the "arrays so far" of a checkpoint);
/// at the end each series is assembled into one <c>{O}{array}.npy</c> with a leading epoch axis. Every float value is
/// checked before it is written: no NaN or infinity reaches an artifact.
/// </summary>
public sealed class ProbeArtifacts(IArtifactStore store, string outputPrefix)
{
    /// <summary>Folder of checkpoint state and parts under the output prefix.</summary>
    public string CheckpointPrefix => outputPrefix + "checkpoint/";

    /// <summary>Store name of the final array <paramref name="array"/>.</summary>
    public string ArrayName(string array) => outputPrefix + array + ".npy";

    private string PartName(string array, int index) => $"{CheckpointPrefix}parts/{array}/{index:D6}.npy";

    /// <summary>Writes one row (e.g. one epoch) of a series.</summary>
    public async Task WritePartAsync<T>(string array, int index, T[] data, long[] rowShape, CancellationToken cancellationToken) where T : unmanaged
    {
        EnsureFinite(data, $"{array} row {index}");
        var bytes = Npy.ToBytes<T>(data, rowShape);
        using var ms = new MemoryStream(bytes, writable: false);
        await store.PutAsync(PartName(array, index), ms, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// Assembles rows 0..<paramref name="count"/>−1 of <paramref name="array"/> into <c>{O}{array}.npy</c> of shape
    /// [count, ..rowShape] (streamed through a temporary file, never whole in memory).
    /// </summary>
    public async Task<ArtifactRef> AssembleAsync<T>(string array, int count, long[] rowShape, CancellationToken cancellationToken) where T : unmanaged
    {
        var shape = new long[rowShape.Length + 1];
        shape[0] = count;
        rowShape.CopyTo(shape, 1);
        var rowBytes = checked(rowShape.Aggregate(1L, (a, b) => a * b) * Marshal.SizeOf<T>());
        var temp = Path.Combine(Path.GetTempPath(), $"hs-{Guid.NewGuid():N}.npy");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true))
            {
                await file.WriteAsync(Npy.HeaderBytes<T>(shape), cancellationToken);
                for (var i = 0; i < count; i++)
                {
                    var part = PartName(array, i);
                    await using var stream = await store.OpenReadAsync(part, cancellationToken);
                    var header = Npy.ReadHeader(stream, part);
                    if (header.DType != Npy.DTypeOf<T>() || !header.Shape.SequenceEqual(rowShape))
                        throw new InvalidDataException($"{part}: expected {Npy.Descr(Npy.DTypeOf<T>())} ({string.Join(", ", rowShape)}), found {Npy.Descr(header.DType)} ({string.Join(", ", header.Shape)}).");
                    var copied = await CopyExactlyAsync(stream, file, rowBytes, cancellationToken);
                    if (copied != rowBytes) throw new InvalidDataException($"{part}: truncated ({copied} of {rowBytes} data bytes).");
                }
            }
            await using var upload = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
            var info = await store.PutAsync(ArrayName(array), upload, new ArtifactPutOptions(ContentType: "application/octet-stream"), cancellationToken);
            return Ref(info, shape, Npy.DTypeOf<T>());
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Writes a whole array as <c>{O}{array}.npy</c>.</summary>
    public async Task<ArtifactRef> WriteArrayAsync<T>(string array, T[] data, long[] shape, CancellationToken cancellationToken) where T : unmanaged
    {
        EnsureFinite(data, array);
        var bytes = Npy.ToBytes<T>(data, shape);
        using var ms = new MemoryStream(bytes, writable: false);
        var info = await store.PutAsync(ArrayName(array), ms, new ArtifactPutOptions(ContentType: "application/octet-stream"), cancellationToken);
        return Ref(info, shape, Npy.DTypeOf<T>());
    }

    /// <summary>Deletes every checkpoint blob (state and parts) of the job.</summary>
    public async Task DeleteCheckpointAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var info in store.ListAsync(CheckpointPrefix, cancellationToken)) names.Add(info.Name);
        foreach (var name in names) await store.DeleteAsync(name, cancellationToken);
    }

    private static ArtifactRef Ref(ArtifactInfo info, long[] shape, NpyDType dtype) =>
        new(info.Name, shape, Npy.Descr(dtype), info.Sha256, info.Length);

    private static async Task<long> CopyExactlyAsync(Stream source, Stream target, long bytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(bytes, 1 << 20)];
        long total = 0;
        while (total < bytes)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, bytes - total)), cancellationToken);
            if (read == 0) break;
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            total += read;
        }
        return total;
    }

    /// <summary>Throws <see cref="NonFiniteValueException"/> when a float array holds NaN or infinity.</summary>
    internal static void EnsureFinite<T>(T[] data, string what) where T : unmanaged
    {
        if (data is float[] f)
        {
            var i = Array.FindIndex(f, v => !float.IsFinite(v));
            if (i >= 0) throw new NonFiniteValueException($"{what} holds a non-finite value ({f[i]}) at flat position {i}; nothing was written.");
        }
        else if (data is double[] d)
        {
            var i = Array.FindIndex(d, v => !double.IsFinite(v));
            if (i >= 0) throw new NonFiniteValueException($"{what} holds a non-finite value ({d[i]}) at flat position {i}; nothing was written.");
        }
    }
}

/// <summary>Training produced NaN or infinity (loss or a recorded value); the job stops without writing it.</summary>
public sealed class NonFiniteValueException(string message) : Exception(message);
