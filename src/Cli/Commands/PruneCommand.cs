using System.CommandLine;
using HardSamples.Shared.Pruning;

namespace HardSamples.Cli.Commands;

/// <summary><c>hardsamples prune</c>: keep-list and filtered dataset export of a run.</summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var store = new RunStoreOptions();
        var keep = new Option<double>("--keep") { Description = "Fraction of samples kept, in (0, 1]", Required = true };
        var by = new Option<string>("--by") { Description = "score, random or a metric column", DefaultValueFactory = _ => "score" };
        var strategy = new Option<string>("--strategy") { Description = "hard (keep hardest), easy or balanced (every score quantile)", DefaultValueFactory = _ => "hard" };
        strategy.AcceptOnlyFromAmong("hard", "easy", "balanced");
        var format = new Option<string>("--format") { Description = "npy, idx or folder (PNG per sample)", DefaultValueFactory = _ => "npy" };
        format.AcceptOnlyFromAmong("npy", "idx", "folder");
        var seed = new Option<int>("--seed") { Description = "Seed of --by random", DefaultValueFactory = _ => 0 };
        var allClasses = new Option<bool>("--ignore-classes") { Description = "Do not keep class proportions" };
        var output = new Option<string?>("--out") { Description = "Export folder (default: {runs}/{run}/pruned/{by}-{strategy}-{keep}/)" };
        var command = new Command("prune", "Write a keep-list and a filtered copy of the dataset (one representative per redundancy cluster first).");
        store.AddTo(command);
        foreach (var o in new Option[] { keep, by, strategy, format, seed, allClasses, output }) command.Options.Add(o);
        command.SetAction((parseResult, ct) => RunStoreOptions.GuardAsync(parseResult, async () =>
        {
            var request = new PruneRequest(parseResult.GetValue(keep), parseResult.GetValue(by)!, Enum.Parse<PruneStrategy>(parseResult.GetValue(strategy)!, ignoreCase: true),
                parseResult.GetValue(seed), !parseResult.GetValue(allClasses)).Validate();
            var (artifacts, localRoot, runId) = store.Resolve(parseResult);
            var dir = parseResult.GetValue(output)
                      ?? (localRoot is not null ? Path.Combine(localRoot, runId, "pruned", request.Tag) : throw new ArgumentException("--out is required with non-local --storage."));
            var outcome = await Pruner.PruneAsync(artifacts, runId, request, Enum.Parse<ExportFormat>(parseResult.GetValue(format)!, ignoreCase: true), dir, ct);
            var o = parseResult.InvocationConfiguration.Output;
            await o.WriteLineAsync($"kept {outcome.Kept:N0} of {outcome.Candidates:N0} samples ({outcome.RedundantDropped:N0} redundant cluster members dropped first)");
            await o.WriteLineAsync($"keep-list: {Path.Combine(outcome.Directory, PruneExport.KeepListName)}");
            await o.WriteLineAsync($"export:    {outcome.Directory} ({outcome.Files.Count} files)");
            return 0;
        }));
        return command;
    }
}
