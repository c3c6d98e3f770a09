using System.Collections.Concurrent;

namespace HardSamples.Cli.Jobs;

/// <summary>The latest training progress of each running job (filled by the in-process launcher, read by the progress view).</summary>
internal sealed class JobProgressBoard
{
    private readonly ConcurrentDictionary<string, JobProgressLine> _lines = new(StringComparer.Ordinal);

    /// <summary>Records a job's progress.</summary>
    public void Report(JobProgressLine line) => _lines[line.JobId] = line;

    /// <summary>Every job's latest line.</summary>
    public IReadOnlyList<JobProgressLine> Snapshot() => _lines.Values.OrderBy(l => l.JobId, StringComparer.Ordinal).ToList();
}

/// <summary>One job's progress.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Phase">Phase (train, learn, forget, queued, done…).</param>
/// <param name="Done">Epochs done in the phase.</param>
/// <param name="Total">Epochs in the phase.</param>
/// <param name="Loss">Last mean loss.</param>
public sealed record JobProgressLine(string JobId, string Phase, int Done, int Total, double Loss);
