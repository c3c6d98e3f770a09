using HardSamples.GpuRunner.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Training;

/// <summary>Moves a subset of the prepared samples (and labels) into device tensors, whole (no per-sample loader).</summary>
public static class TensorData
{
    /// <summary>Images of <paramref name="indices"/> as one float32 [n,C,H,W] tensor on <paramref name="device"/>.</summary>
    public static Tensor Images(PreparedData data, int[] indices, Device device)
    {
        var shape = data.Samples.Shape;
        var isAll = indices.Length == data.Count && indices[^1] == data.Count - 1; // sorted & unique: identity
        var buffer = isAll ? data.Samples.Data : data.Gather(indices);
        using var cpu = torch.tensor(buffer, [indices.Length, shape[1], shape[2], shape[3]], dtype: ScalarType.Float32);
        return cpu.to(device);
    }

    /// <summary>Labels of <paramref name="indices"/> as an int64 [n] tensor.</summary>
    /// <exception cref="InvalidDataException">The dataset has no labels.</exception>
    public static Tensor Labels(PreparedData data, int[] indices, Device device)
    {
        if (data.Labels is null) throw new InvalidDataException($"The prepared dataset '{data.Prefix}' has no labels.npy; this probe needs labels.");
        var values = new long[indices.Length];
        for (var i = 0; i < indices.Length; i++) values[i] = data.Labels[indices[i]];
        using var cpu = torch.tensor(values, dtype: ScalarType.Int64);
        return cpu.to(device);
    }

    /// <summary>Host copy of a float tensor.</summary>
    public static float[] ToFloats(Tensor t)
    {
        using var cpu = t.detach().to(ScalarType.Float32).cpu().contiguous();
        return cpu.data<float>().ToArray();
    }

    /// <summary>Copies a float tensor into <paramref name="target"/> at <paramref name="offset"/>.</summary>
    public static void CopyInto(Tensor t, float[] target, long offset)
    {
        using var cpu = t.detach().to(ScalarType.Float32).cpu().contiguous();
        cpu.data<float>().CopyTo(target, (int)offset);
    }
}
