using System.CommandLine;
using HardSamples.Shared.Ranking;

namespace HardSamples.Cli.Commands;

/// <summary><c>hardsamples rank</c>: (re)computes <c>results/ranking.csv</c>, <c>.parquet</c> and <c>.json</c> of a run.</summary>
internal static class RankCommand
{
    public static Command Create()
    {
        var store = new RunStoreOptions();
        var target = new Option<string?>("--target") { Description = "Target that orients and picks the metrics (default: mixture when present)" };
        var metrics = new Option<string?>("--metrics") { Description = "Comma-separated metric list (prefix '-' = smaller is harder); default: the strongest by oriented AUC" };
        var topK = new Option<int>("--top-k") { Description = "Metrics picked by default", DefaultValueFactory = _ => 5 };
        var method = new Option<string>("--method") { Description = "rank (mean oriented rank) or z (mean oriented z-score)", DefaultValueFactory = _ => "rank" };
        method.AcceptOnlyFromAmong("rank", "z");
        var rule = new Option<string>("--ssft-rule") { Description = "otsu (2-class split) or quantile", DefaultValueFactory = _ => "otsu" };
        rule.AcceptOnlyFromAmong("otsu", "quantile");
        var command = new Command("rank", "Compute the combined hardness score, SSFT categories and redundancy clusters of a run.");
        store.AddTo(command);
        command.Options.Add(target);
        command.Options.Add(metrics);
        command.Options.Add(topK);
        command.Options.Add(method);
        command.Options.Add(rule);
        command.SetAction((parseResult, ct) => RunStoreOptions.GuardAsync(parseResult, async () =>
        {
            var (artifacts, _, runId) = store.Resolve(parseResult);
            var options = new RankingOptions
            {
                Hardness = new HardnessOptions
                {
                    Target = parseResult.GetValue(target),
                    Metrics = parseResult.GetValue(metrics)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                    TopK = parseResult.GetValue(topK),
                    Method = parseResult.GetValue(method) == "z" ? ScoreMethod.ZScore : ScoreMethod.RankAverage,
                },
                Ssft = new SsftOptions { Rule = parseResult.GetValue(rule) == "quantile" ? SsftThresholdRule.Quantile : SsftThresholdRule.Otsu },
            };
            var result = await new RankingBuilder(artifacts).BuildAsync(runId, options, ct);
            var o = parseResult.InvocationConfiguration.Output;
            var s = result.Summary;
            await o.WriteLineAsync($"ranked {s.Samples:N0} samples of run {runId} against target '{s.Target}'");
            await o.WriteLineAsync("metrics: " + string.Join(", ", s.Metrics.Select(m => (m.Orientation > 0 ? "+" : "-") + m.Name + $" ({m.Strength:0.000})")));
            if (s.Ssft is { } ss)
            {
                await o.WriteLineAsync($"SSFT ({ss.Rule}): learnt late > {ss.LearnLate:0}, forgotten early <= {ss.ForgetEarly:0}; " + string.Join(", ", ss.Counts.Select(c => $"{c.Key} {c.Value}")));
                if (!ss.Reliable) await parseResult.InvocationConfiguration.Error.WriteLineAsync($"note: only {ss.LearntCount} of {ss.KnownCount} samples were learnt in the first SSFT phase; the categories say little (train the SSFT probe longer).");
            }
            await o.WriteLineAsync($"redundancy: {s.Redundancy.Clusters} clusters, {s.Redundancy.RedundantSamples} redundant samples");
            return 0;
        }));
        return command;
    }
}
