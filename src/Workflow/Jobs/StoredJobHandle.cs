using HardSamples.Shared.Contracts;

namespace HardSamples.Workflow.Jobs;

/// <summary>The latest execution of a job, stored as <c>{runId}/jobs/{jobId}.json</c> (for status queries, cancel and resume).</summary>
/// <param name="Handle">The execution.</param>
/// <param name="Attempt">Which attempt started it.</param>
/// <param name="ResultName">Where the job writes its result.</param>
/// <param name="Probe">The probe kind.</param>
/// <param name="StartedAt">When it was started (UTC).</param>
public sealed record StoredJobHandle(JobHandle Handle, int Attempt, string ResultName, ProbeKind Probe, DateTimeOffset StartedAt);
