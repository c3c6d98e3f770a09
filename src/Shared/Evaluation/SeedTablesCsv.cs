using System.Globalization;
using System.Text;

namespace HardSamples.Shared.Evaluation;

/// <summary>
/// The small machine-readable summary of <see cref="SeedTables"/> (one CSV per table, invariant culture, round-trip
/// doubles), so <c>docs/RESULTS.md</c> can be regenerated without the large run outputs.
/// </summary>
public static class SeedTablesCsv
{
    /// <summary>File names inside the summary folder.</summary>
    public const string MachineFile = "machine.csv", RunsFile = "runs.csv", SeparationFile = "separation.csv",
        DetectionFile = "ssft_detection.csv", CategoriesFile = "ssft_categories.csv", AeSsftFile = "ae_vs_ssft.csv",
        LossAucFile = "loss_auc_by_epoch.csv";

    /// <summary>Serialises every table: file name → CSV text.</summary>
    public static IReadOnlyDictionary<string, string> Write(SeedTables tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return new Dictionary<string, string>
        {
            [MachineFile] = Csv(["nproc", "cpu", "date", "os"],
                tables.Machine is { } m ? [[I(m.Nproc), m.Cpu, m.Date, m.Os]] : []),
            [RunsFile] = Csv(["run", "job", "probe", "samples", "epochs_requested", "epochs_run", "seed", "arch", "batch", "wall_s", "device", "finished_at"],
                tables.Runs.Select(r => new[] { r.Run, r.Job, r.Probe, I(r.Samples), I(r.EpochsRequested), r.EpochsRun, I(r.Seed), r.Arch, I(r.Batch), D(r.WallSeconds), r.Device, r.FinishedAt })),
            [SeparationFile] = Csv(["run", "metric", "target", "positives", "count", "srcc", "auc_oriented"],
                tables.Separation.Select(r => new[] { r.Run, r.Metric, r.Target, I(r.Positives), I(r.Count), D(r.Srcc), D(r.AucOriented) })),
            [DetectionFile] = Csv(["run", "flip_rate", "flips", "samples", "score", "auc"],
                tables.Detection.Select(r => new[] { r.Run, D(r.FlipRate), I(r.Flips), I(r.Samples), r.Score, D(r.Auc) })),
            [CategoriesFile] = Csv(["run", "flip_rate", "flips", "samples", "flagged", "caught", "precision", "recall", "learn_late", "forget_early", "ambiguous", "atypical", "flagged_mixtures"],
                tables.Categories.Select(r => new[] { r.Run, D(r.FlipRate), I(r.Flips), I(r.Samples), I(r.Flagged), I(r.Caught), D(r.Precision), D(r.Recall), D(r.LearnLate), D(r.ForgetEarly), I(r.Ambiguous), I(r.Atypical), I(r.FlaggedMixtures) })),
            [AeSsftFile] = Csv(["run", "metric", "time", "count", "srcc"],
                tables.AeSsft.Select(r => new[] { r.Run, r.Metric, r.Time, I(r.Count), D(r.Srcc) })),
            [LossAucFile] = Csv(["run", "epoch", "auc"], tables.LossAuc.Select(r => new[] { r.Run, I(r.Epoch), D(r.Auc) })),
        };
    }

    /// <summary>Parses the tables back; <paramref name="read"/> returns a file's text or null when it is absent.</summary>
    /// <exception cref="InvalidDataException">A file has the wrong header or an unparsable field.</exception>
    public static SeedTables Read(Func<string, string?> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var machine = Rows(read, MachineFile, 4).Select(f => new MachineInfo(PI(f[0]), f[1], f[2], f[3])).FirstOrDefault();
        return new SeedTables(
            machine,
            Rows(read, RunsFile, 12).Select(f => new RunInfoRow(f[0], f[1], f[2], PI(f[3]), PI(f[4]), f[5], PI(f[6]), f[7], PI(f[8]), PD(f[9]), f[10], f[11])).ToList(),
            Rows(read, SeparationFile, 7).Select(f => new MetricSeparationRow(f[0], f[1], f[2], PI(f[3]), PI(f[4]), PD(f[5]), PD(f[6]))).ToList(),
            Rows(read, DetectionFile, 6).Select(f => new SsftDetectionRow(f[0], PD(f[1]), PI(f[2]), PI(f[3]), f[4], PD(f[5]))).ToList(),
            Rows(read, CategoriesFile, 13).Select(f => new SsftCategoryRow(f[0], PD(f[1]), PI(f[2]), PI(f[3]), PI(f[4]), PI(f[5]), PD(f[6]), PD(f[7]), PD(f[8]), PD(f[9]), PI(f[10]), PI(f[11]), PI(f[12]))).ToList(),
            Rows(read, AeSsftFile, 5).Select(f => new AeSsftRow(f[0], f[1], f[2], PI(f[3]), PD(f[4]))).ToList(),
            Rows(read, LossAucFile, 3).Select(f => new LossAucRow(f[0], PI(f[1]), PD(f[2]))).ToList());
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static int PI(string s) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
        ? v : throw new InvalidDataException($"'{s}' is not an integer.");

    private static double PD(string s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
        ? v : throw new InvalidDataException($"'{s}' is not a number.");

    private static string Csv(string[] header, IEnumerable<string[]> rows)
    {
        var sb = new StringBuilder().AppendJoin(',', header).Append('\n');
        foreach (var row in rows) sb.AppendJoin(',', row.Select(Quote)).Append('\n');
        return sb.ToString();
    }

    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    private static IEnumerable<string[]> Rows(Func<string, string?> read, string file, int columns)
    {
        var text = read(file);
        if (text is null) yield break;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || Split(lines[0]).Length != columns)
            throw new InvalidDataException($"{file}: expected a header of {columns} columns.");
        for (var i = 1; i < lines.Length; i++)
        {
            var fields = Split(lines[i]);
            if (fields.Length != columns) throw new InvalidDataException($"{file} line {i + 1}: {fields.Length} fields, expected {columns}.");
            yield return fields;
        }
    }

    private static string[] Split(string line)
    {
        var fields = new List<string>();
        var sb = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        fields.Add(sb.ToString());
        return [.. fields];
    }
}
