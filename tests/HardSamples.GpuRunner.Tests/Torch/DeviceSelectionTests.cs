using HardSamples.GpuRunner.Torch;
using HardSamples.Shared.Contracts;

namespace HardSamples.GpuRunner.Tests.Torch;

public sealed class DeviceSelectionTests
{
    [Theory]
    [InlineData(ComputeDevice.Auto, true, "cuda")]
    [InlineData(ComputeDevice.Auto, false, "cpu")]
    [InlineData(ComputeDevice.Cpu, true, "cpu")]
    [InlineData(ComputeDevice.Cpu, false, "cpu")]
    [InlineData(ComputeDevice.Cuda, true, "cuda")]
    public void PicksTheDevice(ComputeDevice requested, bool cudaAvailable, string expected) =>
        Assert.Equal(expected, DeviceSelection.Resolve(requested, cudaAvailable));

    [Fact]
    public void RequestedCudaWithoutCudaIsAClearError()
    {
        var e = Assert.Throws<InvalidOperationException>(() => DeviceSelection.Resolve(ComputeDevice.Cuda, cudaAvailable: false));
        Assert.Contains("CUDA is not available", e.Message);
    }
}
