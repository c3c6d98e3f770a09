using System.CommandLine;
using System.Globalization;
using HardSamples.Shared.Corruption;
using HardSamples.Shared.Datasets;
using HardSamples.Shared.Datasets.Splits;
using HardSamples.Shared.Storage.Local;
using Spectre.Console;

namespace HardSamples.Cli.Commands;

/// <summary>
/// <c>hardsamples dataset prepare PATH --out DIR [--mix 0.1 --flip 0.001 --dups 0.01 --seed 91]</c>: reads and validates
/// the source, injects corruption, splits, normalises and writes the prepared dataset to the local folder DIR
/// (through the local artifact store; manifest.json last).
/// </summary>
internal static class DatasetPrepareCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var options = new DatasetOptions();
        var output = new Option<string>("--out") { Description = "output folder (a local artifact store)", Required = true };
        var prefix = new Option<string>("--prefix") { Description = "blob prefix inside the folder (e.g. run1/data); default: the folder itself", DefaultValueFactory = _ => "" };
        var mix = new Option<double>("--mix") { Description = "mixture rate (the seed's artificial label)", DefaultValueFactory = _ => 0.1 };
        var flip = new Option<double>("--flip") { Description = "label flip rate (0 when the data is unlabeled and --flip is not given)", DefaultValueFactory = _ => 0.001 };
        var dups = new Option<double>("--dups") { Description = "near-duplicate rate", DefaultValueFactory = _ => 0.01 };
        var seed = new Option<uint>("--seed") { Description = "seed of every draw", DefaultValueFactory = _ => 91u };
        var shards = new Option<int>("--shards") { Description = "number of shards for fan-out", DefaultValueFactory = _ => 1 };
        var test = new Option<double>("--test") { Description = "held-out test fraction (0 = none)", DefaultValueFactory = _ => 0.0 };
        var noStratify = new Option<bool>("--no-stratify") { Description = "do not balance classes across the SSFT halves / test split" };
        var norm = new Option<string?>("--norm") { Description = "normalisation: mnist, data, or MEAN[,MEAN…]/STD[,STD…] (default: mnist for grayscale, data for colour)" };
        var force = new Option<bool>("--force") { Description = "replace a prepared dataset already in the output" };
        var command = new Command("prepare", "Prepare a dataset: inject mixtures/flips/near-duplicates, split, normalise, write.");
        options.AddTo(command);
        foreach (var o in new Option[] { output, prefix, mix, flip, dups, seed, shards, test, noStratify, norm, force }) command.Options.Add(o);
        command.SetAction(async (parseResult, ct) =>
        {
            var console = DatasetOptions.Console(parseResult);
            var errors = DatasetOptions.Console(parseResult, error: true);
            try
            {
                var readOptions = options.ReadOptions(parseResult);
                var flipRate = parseResult.GetValue(flip);
                var flipExplicit = parseResult.GetResult(flip) is { Implicit: false };
                var spec = parseResult.GetRequiredValue(options.Path);
                var corruption = new CorruptionSettings(parseResult.GetValue(mix), flipRate, parseResult.GetValue(dups), parseResult.GetValue(seed));
                var splits = new SplitSettings(parseResult.GetValue(seed), !parseResult.GetValue(noStratify), parseResult.GetValue(shards), parseResult.GetValue(test));
                var prepare = new PrepareOptions(corruption, splits, ParseNormalization(parseResult.GetValue(norm)));
                var outDir = Path.GetFullPath(parseResult.GetRequiredValue(output));
                var store = new LocalArtifactStore(outDir);
                // The default flip rate does not apply to unlabeled data; an explicit --flip is honoured (and then rejected).
                var result = await DatasetPreparation.PrepareAsync(spec, readOptions,
                    source => source.Labels is null && !flipExplicit ? prepare with { Corruption = corruption with { FlipRate = 0 } } : prepare,
                    store, parseResult.GetValue(prefix)!, parseResult.GetValue(force), ct);
                Print(console, result, outDir);
                return 0;
            }
            catch (Exception e) when (e is InvalidDataException or IOException or FormatException or ArgumentException or UnauthorizedAccessException)
            {
                errors.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                return 1;
            }
        });
        return command;
    }

    /// <summary>Parses <c>mnist</c>, <c>data</c> or <c>MEAN[,MEAN…]/STD[,STD…]</c>; null = the default for the data.</summary>
    internal static Normalization? ParseNormalization(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (text == "mnist") return Normalization.Mnist;
        if (text == "data") return Normalization.MeasureOnData;
        var parts = text.Split('/');
        if (parts.Length == 2)
        {
            static double[] Values(string s) => s.Split(',').Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
            try
            {
                return Normalization.Custom(Values(parts[0]), Values(parts[1]));
            }
            catch (FormatException)
            {
            }
        }
        throw new FormatException($"--norm '{text}' is not mnist, data or MEAN[,MEAN…]/STD[,STD…] (e.g. 0.2860/0.3530).");
    }

    private static void Print(IAnsiConsole console, PrepareResult result, string outDir)
    {
        var m = result.Manifest;
        console.MarkupLine($"[green]Prepared[/] {Markup.Escape(m.Source.Description)} -> {Markup.Escape(outDir)}");
        console.MarkupLine($"  samples      {m.Count} x {m.Channels}x{m.Height}x{m.Width} (from {m.Source.Count} source images)");
        console.MarkupLine($"  injected     {string.Join(", ", m.InjectedCounts.Select(kv => $"{kv.Key} {kv.Value}"))}");
        console.MarkupLine(DatasetOptions.Invariant($"  normalised   {m.Normalization.Name}: mean {string.Join(",", m.Normalization.Mean)} std {string.Join(",", m.Normalization.Std)}"));
        console.MarkupLine($"  splits       {string.Join(", ", m.Splits)}");
        console.MarkupLine($"  fingerprint  {m.Fingerprint}");
        var t = result.Timings;
        console.MarkupLine(DatasetOptions.Invariant($"  time         {t.Total.TotalSeconds:0.00} s (read {t.Read.TotalSeconds:0.00}, build {t.Build.TotalSeconds:0.00}, write {t.Write.TotalSeconds:0.00})"));
    }
}
