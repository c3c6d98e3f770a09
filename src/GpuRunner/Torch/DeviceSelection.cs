using HardSamples.Shared.Contracts;

namespace HardSamples.GpuRunner.Torch;

/// <summary>Chooses where a job's tensors live.</summary>
public static class DeviceSelection
{
    /// <summary>
    /// <c>auto</c> → CUDA when available, else CPU; <c>cpu</c> → CPU; <c>cuda</c> → CUDA or an error naming the cause.
    /// Returns the torch device string (<c>cpu</c> or <c>cuda</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">CUDA was requested but is not available.</exception>
    public static string Resolve(ComputeDevice requested, bool cudaAvailable) => requested switch
    {
        ComputeDevice.Cpu => "cpu",
        ComputeDevice.Cuda when cudaAvailable => "cuda",
        ComputeDevice.Cuda => throw new InvalidOperationException(
            "Device 'cuda' was requested but CUDA is not available: this build carries the CPU libtorch " +
            "(build the container with -p:TorchBackend=cuda) or no GPU/driver is visible."),
        ComputeDevice.Auto => cudaAvailable ? "cuda" : "cpu",
        _ => throw new ArgumentOutOfRangeException(nameof(requested), requested, "Unknown device selection."),
    };
}
