using System.Text;
using HardSamples.Shared.Storage;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Training;

/// <summary>
/// A resumable snapshot: the probe's own progress (JSON), plus named binary sections (model weights, optimizer
/// state, generator states). Bound to a job fingerprint so a changed spec never resumes from a stale state.
/// </summary>
public sealed record Checkpoint(string Fingerprint, string StateJson, IReadOnlyDictionary<string, byte[]> Sections);

/// <summary>Saves and loads the single checkpoint blob <c>{O}checkpoint/state.bin</c>.</summary>
public sealed class CheckpointStore(IArtifactStore store, string checkpointPrefix)
{
    private static readonly byte[] Magic = "HSCKPT01"u8.ToArray();

    /// <summary>Store name of the checkpoint blob.</summary>
    public string StateName => checkpointPrefix + "state.bin";

    /// <summary>Writes (replaces) the checkpoint.</summary>
    public async Task SaveAsync(Checkpoint checkpoint, CancellationToken cancellationToken)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(checkpoint.Fingerprint);
            w.Write(checkpoint.StateJson);
            w.Write(checkpoint.Sections.Count);
            foreach (var (name, bytes) in checkpoint.Sections.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.Write(name);
                w.Write(bytes.Length);
                w.Write(bytes);
            }
        }
        ms.Position = 0;
        await store.PutAsync(StateName, ms, cancellationToken: cancellationToken);
    }

    /// <summary>The stored checkpoint, or null when there is none.</summary>
    /// <exception cref="InvalidDataException">The blob exists but is not a checkpoint.</exception>
    public async Task<Checkpoint?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!await store.ExistsAsync(StateName, cancellationToken)) return null;
        using var ms = new MemoryStream();
        await using (var s = await store.OpenReadAsync(StateName, cancellationToken))
        {
            await s.CopyToAsync(ms, cancellationToken);
        }
        ms.Position = 0;
        using var r = new BinaryReader(ms, Encoding.UTF8);
        try
        {
            if (!r.ReadBytes(Magic.Length).SequenceEqual(Magic)) throw new InvalidDataException($"{StateName} is not a HardSamples checkpoint.");
            var fingerprint = r.ReadString();
            var json = r.ReadString();
            var count = r.ReadInt32();
            var sections = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var name = r.ReadString();
                var length = r.ReadInt32();
                var bytes = r.ReadBytes(length);
                if (bytes.Length != length) throw new EndOfStreamException();
                sections[name] = bytes;
            }
            return new Checkpoint(fingerprint, json, sections);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{StateName} is truncated.");
        }
    }
}

/// <summary>Byte snapshots of TorchSharp state for checkpoints.</summary>
public static class TorchState
{
    /// <summary>Module parameters and buffers.</summary>
    public static byte[] SaveModule(nn.Module module)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) module.save(w);
        return ms.ToArray();
    }

    /// <summary>Restores what <see cref="SaveModule"/> produced into a module of the same architecture.</summary>
    public static void LoadModule(nn.Module module, byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false));
        module.load(r);
    }

    /// <summary>Optimizer state (moments, step counts, hyper-parameters).</summary>
    public static byte[] SaveOptimizer(OptimizerHelper optimizer)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(w);
        return ms.ToArray();
    }

    /// <summary>Restores what <see cref="SaveOptimizer"/> produced.</summary>
    public static void LoadOptimizer(OptimizerHelper optimizer, byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false));
        optimizer.load_state_dict(r);
    }

    /// <summary>torch's global CPU generator state.</summary>
    public static byte[] SaveGlobalRng()
    {
        using var state = torch.get_rng_state();
        return state.data<byte>().ToArray();
    }

    /// <summary>Restores torch's global CPU generator.</summary>
    public static void LoadGlobalRng(byte[] bytes)
    {
        using var state = torch.tensor(bytes, dtype: ScalarType.Byte);
        torch.set_rng_state(state);
    }

    /// <summary>State of a dedicated generator.</summary>
    public static byte[] SaveGenerator(Generator generator)
    {
        using var state = generator.get_state();
        return state.data<byte>().ToArray();
    }

    /// <summary>Restores a dedicated generator.</summary>
    public static void LoadGenerator(Generator generator, byte[] bytes)
    {
        using var state = torch.tensor(bytes, dtype: ScalarType.Byte);
        generator.set_state(state);
    }
}
