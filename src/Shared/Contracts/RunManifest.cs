using System.Text.Json.Serialization;

namespace HardSamples.Shared.Contracts;

/// <summary>Status of a whole run.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    /// <summary>Accepted, not started yet.</summary>
    Pending,
    /// <summary>In progress.</summary>
    Running,
    /// <summary>Every result written.</summary>
    Succeeded,
    /// <summary>Stopped by an error (see <see cref="RunManifest.Error"/>).</summary>
    Failed,
    /// <summary>Stopped on request.</summary>
    Cancelled,
}

/// <summary>
/// The run's own description, stored as <c>{runId}/manifest.json</c> beside its data and results and rewritten at
/// every stage: where everything is, how far the run got, and how each job ended. The <c>Runs</c> table row
/// carries the same status for queries.
/// </summary>
public sealed record RunManifest
{
    /// <summary>The schema version this code writes and reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Schema version of this document.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>Overall status.</summary>
    public RunStatus Status { get; init; }

    /// <summary>Current (or last) stage name: prepare, probes, metrics, merge, correlate, rank, publish, report, done.</summary>
    public string Stage { get; init; } = "pending";

    /// <summary>Overall progress in [0, 1].</summary>
    public double Progress { get; init; }

    /// <summary>Readable detail of the current stage.</summary>
    public string? Message { get; init; }

    /// <summary>Readable error when <see cref="Status"/> is Failed.</summary>
    public string? Error { get; init; }

    /// <summary>Dataset reference as requested (e.g. <c>mnist-sample</c>).</summary>
    public string? Dataset { get; init; }

    /// <summary>Artifact-store name of the stored run request (<c>{runId}/request.json</c>).</summary>
    public string? RequestName { get; init; }

    /// <summary>Prefix of the prepared dataset (<c>{runId}/data/</c>) once prepared.</summary>
    public string? DatasetPrefix { get; init; }

    /// <summary>Result artifacts by role (<c>metrics.csv</c>, <c>correlations.csv</c>, <c>ranking.csv</c>, <c>report</c>…) → artifact name.</summary>
    public IReadOnlyDictionary<string, string> Results { get; init; } = new Dictionary<string, string>();

    /// <summary>Probe (and metric) jobs of the run.</summary>
    public IReadOnlyList<RunManifestJob> Jobs { get; init; } = [];

    /// <summary>When the run was accepted (UTC).</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last update (UTC).</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the run ended (UTC), if it did.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary>One job of a run as recorded in its manifest.</summary>
/// <param name="JobId">Job id (<c>ae</c>, <c>ssft-ab</c>…).</param>
/// <param name="Probe">Probe kind.</param>
/// <param name="OutputPrefix">Where its outputs are.</param>
/// <param name="Status">Final or current state.</param>
/// <param name="Attempts">Executions started (0 when an earlier result was reused).</param>
/// <param name="Reused">True when a finished result from an earlier execution was found and kept.</param>
/// <param name="Error">Readable error of the last failed attempt.</param>
public sealed record RunManifestJob(string JobId, ProbeKind Probe, string OutputPrefix, JobStatus Status, int Attempts, bool Reused, string? Error = null);
