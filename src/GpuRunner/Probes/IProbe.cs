using HardSamples.GpuRunner.Data;
using HardSamples.GpuRunner.Training;
using HardSamples.Shared.Contracts;

namespace HardSamples.GpuRunner.Probes;

/// <summary>One probe kind: trains, records, and returns the artifacts it wrote (result.json is the runner's).</summary>
public interface IProbe
{
    /// <summary>Runs (or resumes) the job described by <paramref name="ctx"/>.</summary>
    Task<IReadOnlyList<ArtifactRef>> RunAsync(ProbeContext ctx);
}

/// <summary>When per-epoch series are recorded.</summary>
public static class ProbeSchedule
{
    /// <summary>
    /// True when 0-based <paramref name="epoch"/> is recorded under "every <paramref name="every"/> epochs":
    /// epochs every−1, 2·every−1, … and always the last one; <paramref name="every"/> ≤ 0 means never.
    /// </summary>
    public static bool IsDue(int epoch, int every, int totalEpochs) =>
        every > 0 && ((epoch + 1) % every == 0 || epoch == totalEpochs - 1);
}

/// <summary>Input checks shared by the probes.</summary>
public static class ProbeGuards
{
    /// <summary>Throws when the images are not <paramref name="height"/>×<paramref name="width"/>.</summary>
    public static void RequireImageSize(PreparedData data, int height, int width, string what)
    {
        if (data.Samples.Shape[2] != height || data.Samples.Shape[3] != width)
            throw new InvalidDataException($"{what} needs {height}×{width} images; the prepared dataset '{data.Prefix}' holds {data.Samples.Shape[2]}×{data.Samples.Shape[3]}.");
    }
}
