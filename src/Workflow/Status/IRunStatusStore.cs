using HardSamples.Shared.Contracts;

namespace HardSamples.Workflow.Status;

/// <summary>The run's status in the <c>Runs</c> table and in <c>{runId}/manifest.json</c>.</summary>
public interface IRunStatusStore
{
    /// <summary>Applies a status change to the manifest and the table row; returns the manifest as stored.</summary>
    Task<RunManifest> ApplyAsync(RunStatusUpdate update, CancellationToken cancellationToken = default);

    /// <summary>The run's manifest, or null when the run is unknown.</summary>
    Task<RunManifest?> GetAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Every run's table row, newest first.</summary>
    Task<IReadOnlyList<RunManifest>> ListAsync(CancellationToken cancellationToken = default);
}
