using System.Globalization;
using System.Text.Json;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Evaluation;
using HardSamples.Shared.Metrics;
using HardSamples.Shared.Tables;

namespace HardSamples.Cli.Evaluation;

/// <summary>
/// Reads a runs folder written by <c>scripts/reproduce-seed.sh</c> (each run: <c>data/</c>, <c>probes/&lt;job&gt;/</c>,
/// <c>results/metrics.csv</c>, <c>settings/&lt;job&gt;.json</c>; <c>machine.json</c> at the top) and computes
/// <see cref="SeedTables"/> with the pure <see cref="SeedEvaluation"/> functions. Reads stored outputs only.
/// </summary>
internal static class SeedRunsLoader
{
    /// <summary>The SSFT probe's mini-batch (ProbeDefaults): the forgetting step unit is ⌈|second split| / batch⌉.</summary>
    private const int SsftBatchSize = 128;

    /// <summary>Loads every run below <paramref name="runsFolder"/> (a folder with <c>data/manifest.json</c>).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist or holds no run.</exception>
    public static SeedTables Load(string runsFolder)
    {
        if (!Directory.Exists(runsFolder)) throw new DirectoryNotFoundException($"Runs folder '{runsFolder}' does not exist.");
        var runs = Directory.GetDirectories(runsFolder)
            .Where(d => File.Exists(Path.Combine(d, "data", "manifest.json")))
            .OrderBy(d => d, StringComparer.Ordinal).ToList();
        if (runs.Count == 0) throw new DirectoryNotFoundException($"'{runsFolder}' holds no run (no */data/manifest.json).");
        var info = new List<RunInfoRow>();
        var separation = new List<MetricSeparationRow>();
        var detection = new List<SsftDetectionRow>();
        var categories = new List<SsftCategoryRow>();
        var aeSsft = new List<AeSsftRow>();
        var lossAuc = new List<LossAucRow>();
        foreach (var dir in runs)
        {
            var run = Path.GetFileName(dir);
            var injected = Npy.ReadFile<int>(Path.Combine(dir, "data", "injected.npy")).Data;
            var flipRate = FlipRate(Path.Combine(dir, "data", "manifest.json"));
            info.AddRange(ProbeInfo(dir, run));
            var ae = Path.Combine(dir, "probes", "ae");
            if (File.Exists(Path.Combine(ae, "result.json")) && File.Exists(Path.Combine(ae, "losses.npy")))
            {
                var losses = Npy.ReadFile<float>(Path.Combine(ae, "losses.npy"));
                var recorded = File.Exists(Path.Combine(ae, "record_epochs.npy"))
                    ? Npy.ReadFile<int>(Path.Combine(ae, "record_epochs.npy")).Data
                    : Enumerable.Range(0, (int)losses.Shape[0]).ToArray();
                lossAuc.AddRange(SeedEvaluation.LossAucByEpoch(run, losses.Data, recorded, Npy.ReadFile<int>(Path.Combine(ae, "sample_index.npy")).Data, injected));
            }
            MetricTable? table = null;
            var metricsCsv = Path.Combine(dir, "results", "metrics.csv");
            if (File.Exists(metricsCsv))
            {
                using (var stream = File.OpenRead(metricsCsv)) table = MetricTableReader.ReadCsv(stream, metricsCsv);
                separation.AddRange(SeedEvaluation.Separation(run, table, injected));
                info.Add(MetricsInfo(dir, run, table));
            }
            var directions = SsftDirections(dir).ToList();
            if (directions.Count > 0)
            {
                var times = SeedEvaluation.MergeDirections(injected.Length, directions);
                detection.AddRange(SeedEvaluation.Detection(run, flipRate, times, injected));
                categories.Add(SeedEvaluation.Categories(run, flipRate, times, injected));
                if (table is not null) aeSsft.AddRange(SeedEvaluation.AeVersusSsft(run, table, times));
            }
        }
        return new SeedTables(Machine(Path.Combine(runsFolder, "machine.json")), info, separation, detection, categories, aeSsft, lossAuc);
    }

    private static double FlipRate(string manifest)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(manifest));
        return doc.RootElement.TryGetProperty("corruption", out var c) && c.TryGetProperty("flipRate", out var f) ? f.GetDouble() : 0;
    }

    private static MachineInfo? Machine(string path)
    {
        if (!File.Exists(path)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var r = doc.RootElement;
        return new MachineInfo(r.GetProperty("nproc").GetInt32(), r.GetProperty("cpu").GetString() ?? "", r.GetProperty("date").GetString() ?? "", r.GetProperty("os").GetString() ?? "");
    }

    private static IEnumerable<RunInfoRow> ProbeInfo(string dir, string run)
    {
        var probes = Path.Combine(dir, "probes");
        if (!Directory.Exists(probes)) yield break;
        foreach (var jobDir in Directory.GetDirectories(probes).OrderBy(d => d, StringComparer.Ordinal))
        {
            var resultPath = Path.Combine(jobDir, "result.json");
            if (!File.Exists(resultPath)) continue; // still running: nothing stored yet
            using var doc = JsonDocument.Parse(File.ReadAllText(resultPath));
            var r = doc.RootElement;
            if (r.GetProperty("status").GetString() != "Succeeded") continue;
            var job = Path.GetFileName(jobDir);
            var probe = r.GetProperty("probe").GetString() ?? "";
            var (asked, seed, arch, batch) = Settings(Path.Combine(dir, "settings", job + ".json"));
            int samples;
            string epochs;
            if (File.Exists(Path.Combine(jobDir, "learn_loss.npy")))
            {
                samples = (int)Npy.ReadFile<int>(Path.Combine(jobDir, "sample_index.npy")).Shape[0];
                epochs = $"{Length(jobDir, "learn_loss.npy")} learn + {Length(jobDir, "forget_loss.npy")} forget";
                probe = "ssft";
            }
            else
            {
                samples = (int)Npy.ReadFile<int>(Path.Combine(jobDir, "sample_index.npy")).Shape[0];
                epochs = Length(jobDir, "train_loss.npy").ToString(CultureInfo.InvariantCulture);
                if (probe.Equals("Autoencoder", StringComparison.OrdinalIgnoreCase)) probe = "ae";
            }
            var total = r.TryGetProperty("timings", out var tm) && tm.TryGetProperty("total", out var tt) ? tt.GetDouble() : double.NaN;
            var device = r.TryGetProperty("device", out var dv) ? dv.GetString() ?? "" : "";
            var finished = r.TryGetProperty("finishedAt", out var fa) ? fa.GetDateTimeOffset().ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "";
            yield return new RunInfoRow(run, job, probe, samples, asked, epochs, seed, arch, batch, total, device, finished);
        }
    }

    private static RunInfoRow MetricsInfo(string dir, string run, MetricTable table)
    {
        var path = Path.Combine(dir, "results", "metrics-timing.json");
        var seconds = double.NaN;
        var what = "";
        if (File.Exists(path))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var r = doc.RootElement;
            seconds = r.GetProperty("seconds").GetDouble();
            what = $"ks {r.GetProperty("ks").GetString()}, LID/sil every {r.GetProperty("lid_every").GetInt32()}";
        }
        var finished = File.GetLastWriteTimeUtc(Path.Combine(dir, "results", "metrics.csv")).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        return new RunInfoRow(run, "metrics", "metrics", table.RowCount, -1, $"{table.Columns.Count} columns", -1, what, -1, seconds, "cpu", finished);
    }

    private static (int Epochs, int Seed, string Arch, int Batch) Settings(string path)
    {
        if (!File.Exists(path)) return (-1, -1, "", -1);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var r = doc.RootElement;
        return (r.GetProperty("epochs").GetInt32(), r.GetProperty("seed").GetInt32(),
            r.TryGetProperty("arch", out var a) ? a.GetString() ?? "" : "", r.TryGetProperty("batch", out var b) ? b.GetInt32() : -1);
    }

    private static long Length(string jobDir, string file)
    {
        using var stream = File.OpenRead(Path.Combine(jobDir, file));
        return Npy.ReadHeader(stream, file).Shape[0];
    }

    private static IEnumerable<SsftDirection> SsftDirections(string dir)
    {
        var probes = Path.Combine(dir, "probes");
        if (!Directory.Exists(probes)) yield break;
        foreach (var jobDir in Directory.GetDirectories(probes, "ssft-*").OrderBy(d => d, StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(jobDir, "result.json")) || !File.Exists(Path.Combine(jobDir, "forget_prob.npy"))) continue;
            var index = Npy.ReadFile<int>(Path.Combine(jobDir, "sample_index.npy")).Data;
            var second = Npy.ReadFile<int>(Path.Combine(jobDir, "second_index.npy")).Data.Length;
            var forget = Npy.ReadFile<float>(Path.Combine(jobDir, "forget_prob.npy"));
            var forgetEpochs = Length(jobDir, "forget_loss.npy");
            var logs = (int)(forget.Shape[0] / forgetEpochs);
            yield return new SsftDirection(
                index,
                Npy.ReadFile<int>(Path.Combine(jobDir, "learn_order.npy")).Data,
                Npy.ReadFile<float>(Path.Combine(jobDir, "learn_score.npy")).Data,
                forget.Data,
                logs,
                (second + SsftBatchSize - 1) / SsftBatchSize);
        }
    }
}
