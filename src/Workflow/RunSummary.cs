using HardSamples.Shared.Contracts;

namespace HardSamples.Workflow;

/// <summary>The orchestrator's output: how the run ended and where its results are.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Status">Succeeded (a failed run ends the orchestration with an error instead).</param>
/// <param name="Samples">Prepared samples N.</param>
/// <param name="Jobs">Every probe job.</param>
/// <param name="Results">Result artifacts by role (<c>metrics.csv</c>, <c>correlations.csv</c>, <c>ranking.csv</c>, <c>report</c>…).</param>
/// <param name="Best">Best metric per injected target.</param>
/// <param name="StartedAt">Orchestration start (UTC).</param>
/// <param name="FinishedAt">Orchestration end (UTC).</param>
/// <param name="TestSamples">Samples held out in the <c>test</c> split (not probed, not in the tables); 0 = none.</param>
public sealed record RunSummary(
    string RunId, RunStatus Status, int Samples, IReadOnlyList<JobOutcome> Jobs, IReadOnlyDictionary<string, string> Results,
    IReadOnlyList<TargetBest> Best, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, int TestSamples = 0);
