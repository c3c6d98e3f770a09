using System.Text;

namespace HardSamples.Shared.Tabular;

/// <summary>One line of <c>results/correlations.csv</c>: how a metric relates to a binary or continuous target.</summary>
/// <param name="Metric">Metric column name.</param>
/// <param name="Target">Target name (e.g. <c>mixture</c>, <c>flip</c>); <see cref="CorrelationTable.DefaultTarget"/> when the file has no target column.</param>
/// <param name="Srcc">Spearman rank correlation with the target.</param>
/// <param name="AbsSrcc">|SRCC|.</param>
/// <param name="Auc">ROC AUC of the raw metric against the target (NaN for a continuous target).</param>
/// <param name="AucOriented">AUC oriented by the SRCC sign, so larger means more suspicious.</param>
public sealed record MetricCorrelation(string Metric, string Target, double Srcc, double AbsSrcc, double Auc, double AucOriented)
{
    /// <summary>+1 when larger metric values go with the target, −1 otherwise (by SRCC sign, AUC when SRCC is missing).</summary>
    public int Orientation => !double.IsNaN(Srcc) ? (Srcc >= 0 ? 1 : -1) : (double.IsNaN(Auc) || Auc >= 0.5 ? 1 : -1);

    /// <summary>The ranking strength used to pick metrics: oriented AUC when known, else |SRCC|.</summary>
    public double Strength => !double.IsNaN(AucOriented) ? AucOriented : !double.IsNaN(Auc) ? Math.Max(Auc, 1 - Auc) : AbsSrcc;
}

/// <summary>
/// The correlation table <c>metric,target,srcc,abs_srcc,auc,auc_oriented</c>. Files without a <c>target</c> column
/// (the metric CLI's and the golden fixture's) are read with the target <see cref="DefaultTarget"/>.
/// </summary>
public sealed class CorrelationTable
{
    /// <summary>Target name given to rows of a file without a target column.</summary>
    public const string DefaultTarget = "label";

    /// <summary>Wraps rows; a (metric, target) pair may appear once.</summary>
    public CorrelationTable(IEnumerable<MetricCorrelation> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Rows = [.. rows];
        var seen = new HashSet<(string, string)>();
        foreach (var r in Rows)
            if (!seen.Add((r.Metric, r.Target))) throw new ArgumentException($"Metric '{r.Metric}' appears twice for target '{r.Target}'.", nameof(rows));
        Targets = Rows.Select(r => r.Target).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every row, in file order.</summary>
    public IReadOnlyList<MetricCorrelation> Rows { get; }

    /// <summary>Distinct targets in file order.</summary>
    public IReadOnlyList<string> Targets { get; }

    /// <summary>Rows of one target.</summary>
    public IEnumerable<MetricCorrelation> ForTarget(string target) => Rows.Where(r => r.Target == target);

    /// <summary>One row, or null.</summary>
    public MetricCorrelation? Find(string metric, string target) => Rows.FirstOrDefault(r => r.Metric == metric && r.Target == target);

    /// <summary>Reads the CSV; <c>target</c> is optional, the other five columns are required.</summary>
    /// <exception cref="InvalidDataException">Missing columns, non-numbers, duplicates.</exception>
    public static CorrelationTable ReadCsv(TextReader reader, string source = "correlations.csv")
    {
        var records = Csv.ReadAll(reader, source);
        if (records.Count == 0) throw new InvalidDataException($"{source}: empty file.");
        var header = records[0].Select(h => h.Trim()).ToArray();
        int Col(string name, bool required = true)
        {
            var i = Array.IndexOf(header, name);
            if (i < 0 && required) throw new InvalidDataException($"{source}: missing column '{name}' (header: {string.Join(",", header)}).");
            return i;
        }
        int metric = Col("metric"), target = Col("target", required: false), srcc = Col("srcc"), abs = Col("abs_srcc"), auc = Col("auc"), aucO = Col("auc_oriented");
        var rows = new List<MetricCorrelation>(records.Count - 1);
        for (var r = 1; r < records.Count; r++)
        {
            var f = records[r];
            if (f.Length != header.Length) throw new InvalidDataException($"{source}: row {r + 1} has {f.Length} fields, the header has {header.Length}.");
            string W(int c) => $"{source} row {r + 1} column {header[c]}";
            rows.Add(new MetricCorrelation(f[metric].Trim(), target >= 0 ? f[target].Trim() : DefaultTarget,
                Csv.ParseDouble(f[srcc], W(srcc)), Csv.ParseDouble(f[abs], W(abs)), Csv.ParseDouble(f[auc], W(auc)), Csv.ParseDouble(f[aucO], W(aucO))));
        }
        try { return new CorrelationTable(rows); }
        catch (ArgumentException ex) { throw new InvalidDataException($"{source}: {ex.Message}", ex); }
    }

    /// <summary>Reads the CSV from a stream (UTF-8).</summary>
    public static CorrelationTable ReadCsv(Stream stream, string source = "correlations.csv")
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        return ReadCsv(reader, source);
    }
}
