using System.CommandLine;
using System.Globalization;
using HardSamples.Shared.Pruning;
using HardSamples.Shared.Runs;

namespace HardSamples.Cli.Commands;

/// <summary><c>hardsamples evaluate-pruning</c>: accuracy of classifiers trained on scored vs random subsets.</summary>
internal static class EvaluatePruningCommand
{
    /// <summary>Classifiers by name.</summary>
    internal static readonly IReadOnlyDictionary<string, Func<IClassifierTrainer>> Trainers = new Dictionary<string, Func<IClassifierTrainer>>
    {
        ["linear"] = () => new SoftmaxRegressionTrainer(),
        ["cnn"] = () => new GpuRunner.Pruning.TorchClassifierTrainer("seed"),
        ["lenet"] = () => new GpuRunner.Pruning.TorchClassifierTrainer("lenet"),
    };

    public static Command Create()
    {
        var store = new RunStoreOptions();
        var fractions = new Option<string>("--fractions") { Description = "Kept fractions, comma separated", DefaultValueFactory = _ => "0.3,0.5,0.7" };
        var seeds = new Option<int>("--seeds") { Description = "Seeds per fraction", DefaultValueFactory = _ => 3 };
        var epochs = new Option<int>("--epochs") { Description = "Classifier epochs", DefaultValueFactory = _ => 5 };
        var by = new Option<string>("--by") { Description = "Ordering of the scored subsets: score or a metric", DefaultValueFactory = _ => "score" };
        var strategy = new Option<string>("--strategy") { Description = "Scored subsets to train: hard, easy, balanced or a comma list", DefaultValueFactory = _ => "hard" };
        var classifier = new Option<string>("--classifier") { Description = "Classifier: " + string.Join(", ", Trainers.Keys), DefaultValueFactory = _ => "linear" };
        classifier.AcceptOnlyFromAmong([.. Trainers.Keys]);
        var noFull = new Option<bool>("--no-full") { Description = "Skip the full-pool baseline" };
        var holdout = new Option<double?>("--holdout")
        {
            Description = "Only for runs without a test split (start runs with 'run --test-fraction F' instead): hold out this fraction of the ranked clean samples as the test set; optimistic, the probes trained on them",
        };
        var command = new Command("evaluate-pruning",
            "Train a classifier on score-pruned and random subsets, test it on the run's held-out test split (run --test-fraction); write results/pruning.csv and pruning.png.");
        store.AddTo(command);
        foreach (var o in new Option[] { fractions, seeds, epochs, by, strategy, classifier, noFull, holdout }) command.Options.Add(o);
        command.SetAction((parseResult, ct) => RunStoreOptions.GuardAsync(parseResult, async () =>
        {
            var options = new PruningEvaluationOptions
            {
                Fractions = ParseFractions(parseResult.GetValue(fractions)!),
                Seeds = parseResult.GetValue(seeds),
                Epochs = parseResult.GetValue(epochs),
                By = parseResult.GetValue(by)!,
                Strategies = ParseStrategies(parseResult.GetValue(strategy)!),
                IncludeFull = !parseResult.GetValue(noFull),
                HoldoutFraction = parseResult.GetValue(holdout),
            }.Validate();
            var (artifacts, _, runId) = store.Resolve(parseResult);
            var o = parseResult.InvocationConfiguration.Output;
            var trainer = Trainers[parseResult.GetValue(classifier)!]();
            var result = await PruningEvaluator.EvaluateAsync(artifacts, runId, trainer, options, new Progress<string>(line => o.WriteLine(line)), ct);
            await o.WriteLineAsync($"test set: {result.TestSource}");
            foreach (var g in result.Rows.GroupBy(r => (r.Fraction, r.Strategy)).OrderBy(g => g.Key.Fraction).ThenBy(g => g.Key.Strategy))
            {
                var acc = g.Select(r => r.Accuracy).ToArray();
                await o.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{g.Key.Fraction,5:0.###} {g.Key.Strategy,-14} {acc.Average():P2} ± {Shared.Reporting.ReportPlots.Std(acc):P2} ({acc.Length} seeds)"));
            }
            await o.WriteLineAsync($"wrote {RunBlobNames.PruningCsv(runId)} and {RunBlobNames.PruningPlot(runId)}");
            return 0;
        }));
        return command;
    }

    internal static PruneStrategy[] ParseStrategies(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.ToLowerInvariant() switch
            {
                "hard" => PruneStrategy.Hard,
                "easy" => PruneStrategy.Easy,
                "balanced" => PruneStrategy.Balanced,
                _ => throw new ArgumentException($"--strategy: '{p}' is not hard, easy or balanced."),
            }).ToArray();

    internal static double[] ParseFractions(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new ArgumentException($"--fractions: '{p}' is not a number.")).ToArray();
    }
}
