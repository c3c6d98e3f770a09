using System.Collections.Concurrent;
using HardSamples.Workflow.Steps;

namespace HardSamples.Workflow.Tests.Fakes;

/// <summary>Counts calls per key (thread-safe).</summary>
public sealed class CallCounter
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    public int this[string key] => _counts.TryGetValue(key, out var n) ? n : 0;
    public int Increment(string key) => _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
    public int Total => _counts.Values.Sum();
}

/// <summary>A dataset step that describes a prepared set without data; can be told to fail.</summary>
public sealed class FakeDatasetStep(int count = 1000, int shards = 4) : IDatasetStep
{
    public CallCounter Calls { get; } = new();
    public Exception? FailWith { get; set; }

    public Task<PreparedDatasetRef> PrepareAsync(PrepareDatasetInput input, CancellationToken cancellationToken)
    {
        Calls.Increment("prepare");
        if (FailWith is not null) throw FailWith;
        return Task.FromResult(new PreparedDatasetRef(input.Prefix, count, 1, 28, 28, 10, true,
            Enumerable.Range(0, shards).Select(i => $"shard-{i:000}").ToList(),
            new Dictionary<string, int> { ["mixture"] = count / 20 }, "sha256:fake"));
    }
}

/// <summary>A metric step with a configurable number of light and heavy shards.</summary>
public sealed class FakeMetricStep(int lightShards = 4, int heavyShards = 2) : IMetricStep
{
    public CallCounter Calls { get; } = new();
    public TimeSpan ShardDelay { get; set; } = TimeSpan.Zero;

    public Task<MetricPlan> PlanAsync(MetricPlanInput input, CancellationToken cancellationToken)
    {
        Calls.Increment("plan");
        var shards = Enumerable.Range(0, lightShards).Select(i => new MetricShardSpec("series", $"shard-{i:000}", false, new Dictionary<string, string>()))
            .Concat(Enumerable.Range(0, heavyShards).Select(i => new MetricShardSpec("lid", $"epoch-{i:000}", true, new Dictionary<string, string> { ["epoch"] = i.ToString() })))
            .ToList();
        return Task.FromResult(new MetricPlan(shards));
    }

    public async Task<MetricShardResult> ComputeShardAsync(MetricShardInput input, CancellationToken cancellationToken)
    {
        Calls.Increment("shard:" + input.Shard.Id);
        if (ShardDelay > TimeSpan.Zero) await Task.Delay(ShardDelay, cancellationToken);
        return new MetricShardResult(input.Shard.Id, input.OutputPrefix, 3);
    }

    public Task<MergedMetricsRef> MergeAsync(MergeMetricsInput input, CancellationToken cancellationToken)
    {
        Calls.Increment("merge");
        if (input.Parts.Count != input.Plan.Shards.Count) throw new InvalidOperationException("parts and plan differ");
        return Task.FromResult(new MergedMetricsRef(RunLayout.Result(input.Run.RunId, "metrics.parquet"), RunLayout.Result(input.Run.RunId, "metrics.csv"),
            input.Run.Dataset.Count, input.Parts.Count * 3));
    }
}

/// <summary>A results step returning fixed headlines.</summary>
public sealed class FakeResultsStep : IResultsStep
{
    public CallCounter Calls { get; } = new();

    public Task<CorrelationSummary> CorrelateAsync(CorrelateInput input, CancellationToken cancellationToken)
    {
        Calls.Increment("correlate");
        return Task.FromResult(new CorrelationSummary(RunLayout.Result(input.Run.RunId, "correlations.csv"),
            [new TargetBest("mixture", "loss__mean_from_0", 0.97, 0.4)]));
    }

    public Task<RankingRef> RankAsync(RankInput input, CancellationToken cancellationToken)
    {
        Calls.Increment("rank");
        return Task.FromResult(new RankingRef(RunLayout.Result(input.Run.RunId, "ranking.csv"), null, input.Run.Dataset.Count));
    }

    public Task<PublishSamplesResult> PublishSamplesAsync(PublishSamplesInput input, CancellationToken cancellationToken)
    {
        Calls.Increment("publish:" + input.Block);
        return Task.FromResult(new PublishSamplesResult(input.Block, input.Count));
    }

    public Task<ReportRef> WriteReportAsync(ReportInput input, CancellationToken cancellationToken)
    {
        Calls.Increment("report");
        return Task.FromResult(new ReportRef(RunLayout.ReportIndex(input.Run.RunId)));
    }
}
