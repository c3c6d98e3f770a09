using HardSamples.Shared.Storage;

namespace HardSamples.Workflow;

/// <summary>
/// Makes a step idempotent: its result record is stored as a marker (<see cref="RunLayout.StepMarker"/>) after the
/// step's own outputs are written, and a re-run (activity retry, replay after a crash, <c>--resume</c>) that finds
/// the marker returns it without redoing the work.
/// </summary>
public static class StepMarkers
{
    /// <summary>Returns the stored result of <paramref name="step"/>, or runs <paramref name="compute"/> and stores its result.</summary>
    public static async Task<T> RunOnceAsync<T>(IArtifactStore store, string runId, string step, Func<Task<T>> compute, CancellationToken cancellationToken = default)
        where T : class
    {
        var name = RunLayout.StepMarker(runId, step);
        var existing = await ArtifactJson.TryReadAsync<T>(store, name, cancellationToken);
        if (existing is not null) return existing;
        var result = await compute();
        await ArtifactJson.WriteAsync(store, name, result, cancellationToken);
        return result;
    }
}
