using HardSamples.GpuRunner.Metrics;
using HardSamples.GpuRunner.Training;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Metrics.Kernels;
using HardSamples.Shared.Metrics.Shards;
using TorchSharp;

namespace HardSamples.GpuRunner.Probes;

/// <summary>
/// A <c>metrics</c> job: one heavy autoencoder-derived metric shard (kNN/LID, silhouette, extended scores or
/// near-duplicate pairs of one epoch) computed from the stored autoencoder arrays, so that a large run never does
/// O(N²) work inside a Functions instance. The distance work runs on the job's device: <see cref="TorchDistanceKernel"/>
/// on CUDA, the SIMD <see cref="CpuDistanceKernel"/> on a CPU. Writes the same part files as the metric activity
/// (<see cref="MetricPartStore"/>) under the job's output prefix.
/// </summary>
public sealed class MetricsProbe : IProbe
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<ArtifactRef>> RunAsync(ProbeContext ctx)
    {
        var request = AutoencoderShardRequest.FromSettings(ctx.Spec.Settings.Extra);
        IDistanceKernel kernel = ctx.Device.type == DeviceType.CUDA
            ? new TorchDistanceKernel("cuda")
            : ctx.Options.Threads is { } threads ? new CpuDistanceKernel(threads) : CpuDistanceKernel.Default;
        ctx.Report(request.Family, 0, 1, double.NaN, 0);
        var part = await ctx.TimeAsync("compute", () => AutoencoderShards.ComputeAsync(ctx.Store, request, kernel, ctx.CancellationToken));
        var written = await ctx.TimeAsync("write", () => MetricPartStore.WriteAsync(ctx.Store, ctx.Spec.OutputPrefix, part, ctx.CancellationToken));
        ctx.Report(request.Family, 1, 1, double.NaN, 0);
        return written;
    }
}
