using System.Text.Json.Serialization;

namespace HardSamples.Shared.Contracts;

/// <summary>Final state of a job.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    /// <summary>Still running (only in status queries).</summary>
    Running,
    /// <summary>Finished; every artifact is written.</summary>
    Succeeded,
    /// <summary>Stopped with an error; see <see cref="JobResult.Error"/>.</summary>
    Failed,
    /// <summary>Stopped on request.</summary>
    Cancelled,
}

/// <summary>One array or file a job wrote.</summary>
/// <param name="Name">Artifact-store name.</param>
/// <param name="Shape">Array shape (empty for non-array files).</param>
/// <param name="DType">NumPy dtype string such as <c>&lt;f4</c>, or <c>json</c>/<c>csv</c>.</param>
/// <param name="Sha256">Hex SHA-256 of the stored bytes.</param>
/// <param name="Length">Size in bytes.</param>
public sealed record ArtifactRef(string Name, IReadOnlyList<long> Shape, string DType, string Sha256, long Length);

/// <summary>The document a job writes at <see cref="JobSpec.ResultName"/> (and posts to its callback).</summary>
public sealed record JobResult
{
    /// <summary>Schema version of this document.</summary>
    public int SchemaVersion { get; init; } = JobSpec.CurrentSchemaVersion;

    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>The job.</summary>
    public required string JobId { get; init; }

    /// <summary>The probe that ran.</summary>
    public required ProbeKind Probe { get; init; }

    /// <summary>Outcome.</summary>
    public required JobStatus Status { get; init; }

    /// <summary>Readable error when <see cref="Status"/> is Failed.</summary>
    public string? Error { get; init; }

    /// <summary>Every artifact written.</summary>
    public IReadOnlyList<ArtifactRef> Artifacts { get; init; } = [];

    /// <summary>Named wall times in seconds (e.g. <c>train</c>, <c>record</c>, <c>total</c>).</summary>
    public IReadOnlyDictionary<string, double> Timings { get; init; } = new Dictionary<string, double>();

    /// <summary>Named event counts (e.g. <c>gradient_retries</c>: backward passes redone after non-finite gradients).</summary>
    public IReadOnlyDictionary<string, long> Counters { get; init; } = new Dictionary<string, long>();

    /// <summary>
    /// SHA-256 identity of the spec (minus its callback) and of the input files the result was computed from; a runner
    /// returns a stored Succeeded result only when this still matches.
    /// </summary>
    public string? Fingerprint { get; init; }

    /// <summary>Device actually used (<c>cpu</c>, <c>cuda</c>).</summary>
    public string? Device { get; init; }

    /// <summary>Start time (UTC).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>End time (UTC).</summary>
    public DateTimeOffset FinishedAt { get; init; }
}
