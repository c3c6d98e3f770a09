using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using HardSamples.Shared.Imaging;
using HardSamples.Shared.Ranking;
using HardSamples.Shared.Runs;
using HardSamples.Shared.Tabular;

namespace HardSamples.Shared.Reporting;

/// <summary>Knobs of the report.</summary>
public sealed record ReportOptions
{
    /// <summary>Samples per image strip along a metric.</summary>
    public int StripLength { get; init; } = 12;

    /// <summary>Samples in the hardest / rarest / mislabeled galleries.</summary>
    public int TopK { get; init; } = 24;

    /// <summary>At most this many metrics get histograms and strips.</summary>
    public int MaxTopMetrics { get; init; } = 6;

    /// <summary>Redundancy clusters shown.</summary>
    public int MaxClusters { get; init; } = 8;

    /// <summary>Time stamp written in the header (null = now).</summary>
    public DateTimeOffset? GeneratedAt { get; init; }
}

/// <summary>
/// Renders <c>report/index.html</c>: one self-contained file (inline CSS, PNG plots and sample images as
/// <c>data:</c> URIs, no scripts, no external references). Every section states what is missing instead of failing.
/// </summary>
public static class HtmlReport
{
    private static readonly string[] KindNames = ["clean", "mixture", "label_flip", "near_duplicate"];
    private static readonly string[] CategoryOrder = ["typical", "atypical", "ambiguous", "mislabeled"];
    private static readonly Dictionary<string, string> CategoryColors = new()
    {
        ["typical"] = "#4c78a8", ["atypical"] = "#b279a2", ["ambiguous"] = "#f58518", ["mislabeled"] = "#e45756",
    };

    /// <summary>Section ids in page order.</summary>
    public static readonly IReadOnlyList<(string Id, string Title)> Sections =
    [
        ("summary", "Run summary"), ("metrics", "Metrics vs targets"), ("histograms", "Top metric histograms"),
        ("strips", "Samples along each top metric"), ("galleries", "Hardest, rarest, suspected mislabeled, redundant"),
        ("ssft", "SSFT learning vs forgetting"), ("training", "Training curves"), ("pruning", "Pruning evaluation"),
    ];

    /// <summary>The HTML document.</summary>
    public static string Render(ReportData data, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ReportOptions();
        var ctx = new Context(data, options);
        var h = new StringBuilder(1 << 20);
        h.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        h.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        h.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n");
        h.Append("<title>HardSamples report — ").Append(E(data.RunId)).Append("</title>\n<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        h.Append("<header><h1>HardSamples report <span class=\"run\">").Append(E(data.RunId)).Append("</span></h1>");
        h.Append("<p class=\"muted\">Generated ").Append(E((options.GeneratedAt ?? DateTimeOffset.UtcNow).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)))
            .Append(" · hard, rare, mixed, mislabeled and redundant samples, scored and proven against injected corruption.</p>\n<nav>");
        foreach (var (id, title) in Sections) h.Append("<a href=\"#").Append(id).Append("\">").Append(E(title)).Append("</a>");
        h.Append("</nav></header>\n<main>\n");
        Summary(h, ctx);
        MetricTable(h, ctx);
        Histograms(h, ctx);
        Strips(h, ctx);
        Galleries(h, ctx);
        Ssft(h, ctx);
        Training(h, ctx);
        PruningSection(h, ctx);
        h.Append("</main>\n</body>\n</html>\n");
        return h.ToString();
    }

    private sealed class Context(ReportData data, ReportOptions options)
    {
        private readonly Dictionary<int, string> _imageUris = [];
        private SampleImages? _images;

        public ReportData Data { get; } = data;
        public ReportOptions Options { get; } = options;

        public string? Target => Data.RankingSummary?.Target ?? (Data.Correlations is { } c ? HardnessScorer.DefaultTarget(c) : null);

        /// <summary>Top metrics with orientation: the ranking's, else the strongest by correlation.</summary>
        public List<SelectedMetric> TopMetrics
        {
            get
            {
                IEnumerable<SelectedMetric> list = Data.RankingSummary?.Metrics ?? [];
                if (!list.Any() && Data.Correlations is { } c && Target is { } t)
                    list = c.ForTarget(t).OrderByDescending(r => r.Strength).Select(r => new SelectedMetric(r.Metric, r.Orientation, r.Strength, r.Srcc));
                return list.Where(m => Data.Metrics?.Has(m.Name) == true).Take(Options.MaxTopMetrics).ToList();
            }
        }

        public SampleImages? Images
        {
            get
            {
                if (_images is null && Data.Samples is { } s)
                {
                    try { _images = new SampleImages(s.Data, s.Dim(0), s.Dim(1), s.Dim(2), s.Dim(3), Data.DataManifest?.Mean, Data.DataManifest?.Std); }
                    catch (ArgumentException ex) { Data.Problems["samples"] = ex.Message; }
                }
                return _images;
            }
        }

        public string? ImageUri(int id)
        {
            if (Images is null || id < 0 || id >= Images.Count) return null;
            if (!_imageUris.TryGetValue(id, out var uri))
                _imageUris[id] = uri = "data:image/png;base64," + Convert.ToBase64String(Images.Png(id));
            return uri;
        }

        public int InjectedOf(int id) => Data.Injected is { } inj && id >= 0 && id < inj.Length ? inj[id] : -1;

        public string LabelText(int id)
        {
            if (Data.Labels is not { } l || id < 0 || id >= l.Length) return "";
            var observed = l[id].ToString(CultureInfo.InvariantCulture);
            return Data.CleanLabels is { } c && id < c.Length && c[id] != l[id] ? $"label {observed} (true {c[id].ToString(CultureInfo.InvariantCulture)})" : $"label {observed}";
        }
    }

    // ---------- sections ----------

    private static void Summary(StringBuilder h, Context ctx)
    {
        var d = ctx.Data;
        Open(h, "summary");
        h.Append("<div class=\"cards\">");
        h.Append("<div class=\"card\"><h3>Dataset</h3>");
        if (d.DataManifest is { } m)
        {
            var kv = new List<(string, string)>
            {
                ("samples", m.Count.ToString("N0", CultureInfo.InvariantCulture)),
                ("shape", $"{m.Channels}×{m.Height}×{m.Width}"),
                ("classes", m.ClassCount > 0 ? m.ClassCount.ToString(CultureInfo.InvariantCulture) : "—"),
                ("normalisation", m.Mean.Length > 0 ? $"mean {string.Join("/", m.Mean.Select(F3))}, std {string.Join("/", m.Std.Select(F3))}" : "—"),
            };
            foreach (var p in m.Raw.EnumerateObject())
                if (p.Name is "source" or "fingerprint" or "sourceDescription" or "corruption" or "injectedCounts" or "splits" or "seed")
                    kv.Add((p.Name, JsonShort(p.Value)));
            KeyValues(h, kv);
        }
        else Missing(h, "dataset manifest", d.Problems.GetValueOrDefault("dataset manifest"));
        if (d.Injected is { } inj)
            KeyValues(h, Enumerable.Range(0, 4).Select(k => ($"injected {KindNames[k]}", inj.Count(x => x == k).ToString("N0", CultureInfo.InvariantCulture))).ToList());
        h.Append("</div>");

        h.Append("<div class=\"card\"><h3>Run</h3>");
        if (d.RunManifest is { ValueKind: JsonValueKind.Object } rm)
            KeyValues(h, rm.EnumerateObject().Take(16).Select(p => (p.Name, JsonShort(p.Value))).ToList());
        else Missing(h, "run manifest", d.Problems.GetValueOrDefault("run manifest"));
        KeyValues(h, [("probe jobs", d.ProbeJobs.Count > 0 ? string.Join(", ", d.ProbeJobs) : "none found")]);
        h.Append("</div>");

        h.Append("<div class=\"card\"><h3>Ranking</h3>");
        if (d.RankingSummary is { } s)
        {
            var kv = new List<(string, string)>
            {
                ("target", s.Target ?? "—"),
                ("method", s.Method == ScoreMethod.RankAverage ? "mean of oriented normalised ranks" : "mean of oriented z-scores"),
                ("metrics", string.Join(", ", s.Metrics.Select(x => (x.Orientation > 0 ? "↑" : "↓") + x.Name + (double.IsNaN(x.Strength) ? "" : $" ({F3(x.Strength)})")))),
            };
            if (s.SkippedAsRedundant.Count > 0) kv.Add(("skipped (redundant)", string.Join(", ", s.SkippedAsRedundant)));
            if (s.Ssft is { } ss)
            {
                kv.Add(("SSFT thresholds", $"{ss.Rule}: learnt late if time > {F0(ss.LearnLate)}, forgotten early if time ≤ {F0(ss.ForgetEarly)}"));
                kv.Add(("SSFT categories", string.Join(", ", ss.Counts.Select(c => $"{c.Key} {c.Value:N0}"))));
            }
            kv.Add(("redundancy", s.Redundancy.PairsSource is null ? "no near-duplicate pairs in this run"
                : $"{s.Redundancy.Pairs:N0} pairs → {s.Redundancy.Clusters:N0} clusters, {s.Redundancy.RedundantSamples:N0} redundant samples"));
            KeyValues(h, kv);
        }
        else Missing(h, "ranking", d.Problems.GetValueOrDefault("ranking") ?? d.Problems.GetValueOrDefault("ranking summary"));
        if (d.Ranking is { } r && d.Injected is { } inj2)
        {
            var kv = new List<(string, string)>();
            for (var k = 1; k < 4; k++)
            {
                var pos = r.Rows.Select(x => x.SampleId < inj2.Length && inj2[x.SampleId] == k).ToArray();
                if (!pos.Any(p => p)) continue;
                var auc = RankMath.Auc(r.Rows.Select(x => x.Score).ToArray(), pos);
                var topK = Math.Min(r.Rows.Count, pos.Count(p => p));
                var hits = r.Rows.Take(topK).Count(x => x.SampleId < inj2.Length && inj2[x.SampleId] == k);
                kv.Add(($"score vs {KindNames[k]}", $"AUC {F3(auc)}; {hits} of the top {topK} are {KindNames[k]}s"));
            }
            KeyValues(h, kv);
        }
        h.Append("</div></div>");
        if (d.Problems.Count > 0)
        {
            h.Append("<details><summary>Inputs missing or unreadable (").Append(d.Problems.Count).Append(")</summary><ul>");
            foreach (var (k, v) in d.Problems.OrderBy(p => p.Key)) h.Append("<li><b>").Append(E(k)).Append("</b>: ").Append(E(v)).Append("</li>");
            h.Append("</ul></details>");
        }
        Close(h);
    }

    private static void MetricTable(StringBuilder h, Context ctx)
    {
        Open(h, "metrics");
        if (ctx.Data.Correlations is not { } corr)
        {
            Missing(h, "correlations", ctx.Data.Problems.GetValueOrDefault("correlations"));
            Close(h);
            return;
        }
        var targets = corr.Targets;
        var sortTarget = ctx.Target ?? targets[0];
        var chosen = (ctx.Data.RankingSummary?.Metrics ?? []).Select(m => m.Name).ToHashSet();
        var metrics = corr.Rows.Select(r => r.Metric).Distinct()
            .OrderByDescending(m => corr.Find(m, sortTarget)?.Strength ?? double.NegativeInfinity).ToList();
        var maxAbs = Math.Max(0.05, corr.Rows.Where(r => double.IsFinite(r.Srcc)).Select(r => r.AbsSrcc).DefaultIfEmpty(0).Max());
        h.Append("<p>Spearman correlation (SRCC, red = larger values go with the target, blue = smaller) and oriented ROC AUC ")
            .Append("(green; 0.5 = chance, 1 = perfect separation) of every metric against every target. Sorted by oriented AUC against <b>")
            .Append(E(sortTarget)).Append("</b>; metrics in the combined score are <b>bold</b>. ").Append(metrics.Count).Append(" metrics.</p>");
        h.Append("<div class=\"scroll\"><table class=\"heat\"><thead><tr><th rowspan=\"2\">metric</th>");
        foreach (var t in targets) h.Append("<th colspan=\"2\">").Append(E(t)).Append("</th>");
        h.Append("</tr><tr>");
        foreach (var _ in targets) h.Append("<th>SRCC</th><th>AUC</th>");
        h.Append("</tr></thead><tbody>");
        foreach (var m in metrics)
        {
            h.Append("<tr><td class=\"name\">").Append(chosen.Contains(m) ? "<b>" + E(m) + "</b>" : E(m)).Append("</td>");
            foreach (var t in targets)
            {
                var r = corr.Find(m, t);
                if (r is null) { h.Append("<td></td><td></td>"); continue; }
                h.Append("<td style=\"background:").Append(Diverging(r.Srcc / maxAbs)).Append("\">").Append(F3(r.Srcc)).Append("</td>");
                var aucO = double.IsNaN(r.AucOriented) ? r.Auc : r.AucOriented;
                h.Append("<td style=\"background:").Append(Sequential((aucO - 0.5) / 0.5)).Append("\">").Append(F3(aucO)).Append("</td>");
            }
            h.Append("</tr>");
        }
        h.Append("</tbody></table></div>");
        Close(h);
    }

    private static void Histograms(StringBuilder h, Context ctx)
    {
        Open(h, "histograms");
        var top = ctx.TopMetrics;
        if (ctx.Data.Metrics is not { } table || top.Count == 0)
        {
            Missing(h, "metrics", ctx.Data.Problems.GetValueOrDefault("metrics") ?? "no metric was selected");
            Close(h);
            return;
        }
        h.Append("<p>Distribution of each top metric, clean samples against every injected kind (each group normalised to unit area).</p><div class=\"grid\">");
        foreach (var m in top)
        {
            var col = table.Column(m.Name);
            var groups = new List<PlotSeries>();
            if (ctx.Data.Injected is null) groups.Add(new PlotSeries("all samples", col, ReportPlots.Palette[0]));
            else
                for (var k = 0; k < 4; k++)
                {
                    var vals = table.SampleIds.Select((id, i) => (id, i)).Where(t => ctx.InjectedOf(t.id) == k).Select(t => col[t.i]).ToArray();
                    if (vals.Length > 0) groups.Add(new PlotSeries(KindNames[k], vals, ReportPlots.Palette[k]));
                }
            Figure(h, ReportPlots.Histogram(m.Name, m.Name + (m.Orientation > 0 ? "  (larger = harder)" : "  (smaller = harder)"), groups),
                $"Histogram of {m.Name}", $"{m.Name}: SRCC {F3(m.Srcc)}, oriented AUC {F3(m.Strength)} against {ctx.Target}");
        }
        h.Append("</div>");
        Close(h);
    }

    private static void Strips(StringBuilder h, Context ctx)
    {
        Open(h, "strips");
        var top = ctx.TopMetrics;
        if (ctx.Images is null || ctx.Data.Metrics is not { } table || top.Count == 0)
        {
            Missing(h, ctx.Images is null ? "samples" : "metrics", ctx.Images is null ? ctx.Data.Problems.GetValueOrDefault("samples") : ctx.Data.Problems.GetValueOrDefault("metrics") ?? "no metric was selected");
            Close(h);
            return;
        }
        h.Append("<p>Samples at evenly spaced quantiles of each top metric, from the least (left) to the most suspicious (right). ")
            .Append("Border: <span class=\"k1\">mixture</span> <span class=\"k2\">flip</span> <span class=\"k3\">duplicate</span>.</p>");
        foreach (var m in top)
        {
            var col = table.Column(m.Name);
            var order = Enumerable.Range(0, table.RowCount).Where(i => double.IsFinite(col[i])).OrderBy(i => m.Orientation * col[i]).ToArray();
            if (order.Length == 0) continue;
            var count = Math.Min(ctx.Options.StripLength, order.Length);
            h.Append("<h3>").Append(E(m.Name)).Append("</h3><div class=\"strip\">");
            for (var j = 0; j < count; j++)
            {
                var pos = count == 1 ? 0 : (int)Math.Round((double)j * (order.Length - 1) / (count - 1));
                var row = order[pos];
                var id = table.SampleIds[row];
                Tile(h, ctx, id, $"q{100.0 * pos / Math.Max(1, order.Length - 1):0}%", $"{G3(col[row])}");
            }
            h.Append("</div>");
        }
        Close(h);
    }

    private static void Galleries(StringBuilder h, Context ctx)
    {
        Open(h, "galleries");
        if (ctx.Data.Ranking is not { } ranking || ctx.Images is null)
        {
            Missing(h, ctx.Data.Ranking is null ? "ranking" : "samples", ctx.Data.Ranking is null ? ctx.Data.Problems.GetValueOrDefault("ranking") : ctx.Data.Problems.GetValueOrDefault("samples"));
            Close(h);
            return;
        }
        var k = ctx.Options.TopK;
        h.Append("<h3>Top ").Append(k).Append(" hardest (combined score)</h3><div class=\"strip\">");
        foreach (var r in ranking.Rows.Take(k)) Tile(h, ctx, r.SampleId, $"#{r.Rank}", G3(r.Score));
        h.Append("</div>");

        var rare = ranking.Rows.Where(r => r.Category == "atypical").OrderByDescending(r => r.LearnTime).ThenBy(r => r.Rank).Take(k).ToList();
        h.Append("<h3>Rarest: SSFT atypical, learnt last</h3>");
        if (ranking.Rows.All(r => r.Category.Length == 0)) Missing(h, "SSFT times", "the metric table has no SSFT learning/forgetting columns");
        else if (rare.Count == 0) h.Append("<p class=\"missing\">No sample was categorised atypical.</p>");
        else
        {
            h.Append("<div class=\"strip\">");
            foreach (var r in rare) Tile(h, ctx, r.SampleId, $"#{r.Rank}", "learnt " + Time(r.LearnTime));
            h.Append("</div>");
        }

        var mis = ranking.Rows.Where(r => r.Category == "mislabeled").OrderBy(r => r.ForgetTime).ThenByDescending(r => r.LearnTime).Take(k).ToList();
        h.Append("<h3>Suspected mislabeled: SSFT mislabeled, forgotten first</h3>");
        if (ranking.Rows.All(r => r.Category.Length == 0)) Missing(h, "SSFT times", "the metric table has no SSFT learning/forgetting columns");
        else if (mis.Count == 0) h.Append("<p class=\"missing\">No sample was categorised mislabeled.</p>");
        else
        {
            h.Append("<div class=\"strip\">");
            foreach (var r in mis) Tile(h, ctx, r.SampleId, $"#{r.Rank}", "forgot " + Time(r.ForgetTime));
            h.Append("</div>");
        }

        h.Append("<h3>Redundancy clusters (representative first)</h3>");
        var clusters = ranking.Rows.Where(r => r.ClusterSize > 1).GroupBy(r => r.Cluster).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Take(ctx.Options.MaxClusters).ToList();
        if (clusters.Count == 0)
            Missing(h, "near-duplicate pairs", ctx.Data.RankingSummary?.Redundancy.PairsSource is null ? "the run has no results/near_duplicates.csv" : "no pairs formed a cluster");
        else
        {
            h.Append("<div class=\"clusters\">");
            foreach (var g in clusters)
            {
                h.Append("<div class=\"strip cluster\">");
                foreach (var r in g.OrderByDescending(x => x.Representative).ThenBy(x => x.SampleId))
                    Tile(h, ctx, r.SampleId, r.Representative ? "kept" : "redundant", $"score {G3(r.Score)}");
                h.Append("</div>");
            }
            h.Append("</div>");
        }
        Close(h);
    }

    private static void Ssft(StringBuilder h, Context ctx)
    {
        Open(h, "ssft");
        var ranking = ctx.Data.Ranking;
        var ss = ctx.Data.RankingSummary?.Ssft;
        if (ranking is null || ranking.Rows.All(r => r.Category.Length == 0))
        {
            Missing(h, "SSFT times", ranking is null ? ctx.Data.Problems.GetValueOrDefault("ranking") : "the metric table has no SSFT learning/forgetting columns");
            Close(h);
            return;
        }
        var rows = ranking.Rows.Where(r => r.Category.Length > 0).ToList();
        if (ss is { Reliable: false })
            h.Append("<p class=\"missing\">Caution — only ").Append(ss.LearntCount).Append(" of ").Append(ss.KnownCount)
                .Append(" samples were ever learnt in the first SSFT phase: the probe trained too briefly for the categories to mean much (train the SSFT probe for more epochs).</p>");
        var maxL = rows.Select(r => r.LearnTime).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var maxF = rows.Select(r => r.ForgetTime).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        double neverL = maxL * 1.1 + 1, neverF = maxF * 1.1 + 1;
        double X(RankingRow r) => double.IsPositiveInfinity(r.LearnTime) ? neverL : r.LearnTime;
        double Y(RankingRow r) => double.IsPositiveInfinity(r.ForgetTime) ? neverF : r.ForgetTime;
        var lines = ss is null ? null : new List<(double, string)> { (ss.LearnLate, $"learnt-late threshold {F0(ss.LearnLate)}") };
        var hlines = new List<(double, string)>();
        if (ss is not null) hlines.Add((ss.ForgetEarly, $"forgotten-early threshold {F0(ss.ForgetEarly)}"));
        var byCat = CategoryOrder.Select(c => (c, rows.Where(r => r.Category == c).ToList())).Where(t => t.Item2.Count > 0)
            .Select(t => new PointSeries(t.c, t.Item2.Select(X).ToList(), t.Item2.Select(Y).ToList(), CategoryColors[t.c])).ToList();
        h.Append("<p>Each sample's learning time (first split) against its forgetting time (while training on the second split), in optimisation steps. ")
            .Append("Never learnt / never forgotten are drawn beyond the right / top edge (").Append(F0(neverL)).Append(" / ").Append(F0(neverF))
            .Append("). Thresholds come from the data (").Append(E(ss?.Rule ?? "")).Append(").</p><div class=\"grid\">");
        Figure(h, ReportPlots.Scatter("SSFT categories", "learning time (steps)", "forgetting time (steps)", byCat, lines, hlines), "SSFT scatter by category", "coloured by category");
        if (ctx.Data.Injected is not null)
        {
            var flipped = rows.Where(r => ctx.InjectedOf(r.SampleId) == 2).ToList();
            var rest = rows.Where(r => ctx.InjectedOf(r.SampleId) != 2).ToList();
            var series = new List<PointSeries> { new("label kept", rest.Select(X).ToList(), rest.Select(Y).ToList(), "#9aa5b1") };
            if (flipped.Count > 0) series.Add(new PointSeries("label flipped (injected)", flipped.Select(X).ToList(), flipped.Select(Y).ToList(), "#e45756"));
            Figure(h, ReportPlots.Scatter("Injected label flips", "learning time (steps)", "forgetting time (steps)", series, lines, hlines, 6), "SSFT scatter by flipped label", "coloured by injected label flip");
            h.Append("</div><table class=\"small\"><thead><tr><th>category</th>");
            for (var k = 0; k < 4; k++) h.Append("<th>").Append(KindNames[k]).Append("</th>");
            h.Append("</tr></thead><tbody>");
            foreach (var c in CategoryOrder)
            {
                h.Append("<tr><td>").Append(c).Append("</td>");
                for (var k = 0; k < 4; k++) h.Append("<td>").Append(rows.Count(r => r.Category == c && ctx.InjectedOf(r.SampleId) == k)).Append("</td>");
                h.Append("</tr>");
            }
            h.Append("</tbody></table>");
        }
        else h.Append("</div>");
        Close(h);
    }

    private static void Training(StringBuilder h, Context ctx)
    {
        Open(h, "training");
        if (ctx.Data.Curves.Count == 0)
        {
            Missing(h, "training curves", ctx.Data.ProbeJobs.Count == 0 ? "no probe outputs under probes/" : "no probe wrote train_loss.npy or losses.npy");
            Close(h);
            return;
        }
        h.Append("<div class=\"grid\">");
        foreach (var c in ctx.Data.Curves)
        {
            var series = new List<PointSeries>();
            if (c.TrainLoss.Length > 0) series.Add(new PointSeries("train_loss (per epoch)", Enumerable.Range(0, c.TrainLoss.Length).Select(e => (double)e).ToList(), c.TrainLoss, ReportPlots.Palette[0]));
            if (c.MeanSampleLoss.Length > 0) series.Add(new PointSeries("mean per-sample loss (eval pass)", Enumerable.Range(0, c.MeanSampleLoss.Length).Select(e => (double)e).ToList(), c.MeanSampleLoss, ReportPlots.Palette[1]));
            Figure(h, ReportPlots.Lines($"probe {c.Job}", "epoch", "loss", series), $"Training curves of {c.Job}", $"probe job {c.Job}");
        }
        h.Append("</div>");
        Close(h);
    }

    private static void PruningSection(StringBuilder h, Context ctx)
    {
        Open(h, "pruning");
        if (ctx.Data.Pruning is not { Count: > 0 } rows)
        {
            Missing(h, "pruning results", ctx.Data.Problems.GetValueOrDefault("pruning") ?? "empty results/pruning.csv");
            Close(h);
            return;
        }
        h.Append("<p>A classifier (").Append(E(string.Join(", ", rows.Select(r => r.Classifier).Distinct()))).Append(", ")
            .Append(E(string.Join(", ", rows.Select(r => r.Epochs).Distinct()))).Append(" epochs) trained on each kept subset and on random subsets of the same size and class mix, ")
            .Append("evaluated on the held-out test split (").Append(rows[0].TestCount).Append(" samples).</p>");
        Figure(h, ReportPlots.PruningCurve(rows), "Pruning curve", "mean ± standard deviation over seeds; dots are single seeds");
        h.Append("<table class=\"small\"><thead><tr><th>fraction</th><th>strategy</th><th>kept</th><th>accuracy mean</th><th>sd</th><th>seeds</th></tr></thead><tbody>");
        foreach (var g in rows.GroupBy(r => (r.Fraction, r.Strategy)).OrderBy(g => g.Key.Fraction).ThenBy(g => g.Key.Strategy))
        {
            var acc = g.Select(r => r.Accuracy).ToArray();
            h.Append("<tr><td>").Append(F3(g.Key.Fraction)).Append("</td><td>").Append(E(g.Key.Strategy)).Append("</td><td>").Append(g.First().Kept)
                .Append("</td><td>").Append((acc.Average() * 100).ToString("0.00", CultureInfo.InvariantCulture)).Append("%</td><td>")
                .Append((ReportPlots.Std(acc) * 100).ToString("0.00", CultureInfo.InvariantCulture)).Append("</td><td>").Append(acc.Length).Append("</td></tr>");
        }
        h.Append("</tbody></table>");
        Close(h);
    }

    // ---------- helpers ----------

    private static void Tile(StringBuilder h, Context ctx, int id, string top, string bottom)
    {
        var uri = ctx.ImageUri(id);
        var kind = ctx.InjectedOf(id);
        h.Append("<figure class=\"tile k").Append(kind > 0 ? kind : 0).Append("\">");
        if (uri is not null) h.Append("<img src=\"").Append(uri).Append("\" alt=\"sample ").Append(id).Append("\">");
        h.Append("<figcaption>").Append(E(top)).Append("<br>").Append(E(bottom)).Append("<br><span class=\"muted\">id ").Append(id)
            .Append(ctx.LabelText(id) is { Length: > 0 } l ? " · " + E(l) : "").Append("</span></figcaption></figure>");
    }

    private static void Figure(StringBuilder h, byte[] png, string alt, string caption) =>
        h.Append("<figure class=\"plot\"><img src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\" alt=\"").Append(E(alt))
            .Append("\"><figcaption>").Append(E(caption)).Append("</figcaption></figure>");

    private static void Open(StringBuilder h, string id) =>
        h.Append("<section id=\"").Append(id).Append("\"><h2>").Append(E(Sections.First(s => s.Id == id).Title)).Append("</h2>\n");

    private static void Close(StringBuilder h) => h.Append("</section>\n");

    private static void Missing(StringBuilder h, string what, string? why) =>
        h.Append("<p class=\"missing\">Not available — ").Append(E(what)).Append(": ").Append(E(why ?? "missing from this run")).Append(".</p>");

    private static void KeyValues(StringBuilder h, IReadOnlyList<(string Key, string Value)> kv)
    {
        if (kv.Count == 0) return;
        h.Append("<dl>");
        foreach (var (k, v) in kv) h.Append("<dt>").Append(E(k)).Append("</dt><dd>").Append(E(v)).Append("</dd>");
        h.Append("</dl>");
    }

    private static string JsonShort(JsonElement v)
    {
        var s = v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText();
        return s.Length > 160 ? s[..160] + "…" : s;
    }

    private static string Diverging(double t)
    {
        if (!double.IsFinite(t)) return "#ffffff";
        t = Math.Clamp(t, -1, 1);
        var (r, g, b) = t >= 0 ? (214, 96, 77) : (67, 147, 195);
        var a = Math.Abs(t);
        return Rgb(255 + (r - 255) * a, 255 + (g - 255) * a, 255 + (b - 255) * a);
    }

    private static string Sequential(double t)
    {
        if (!double.IsFinite(t)) return "#ffffff";
        t = Math.Clamp(t, 0, 1);
        return Rgb(255 + (26 - 255) * t, 255 + (152 - 255) * t, 255 + (80 - 255) * t);
    }

    private static string Rgb(double r, double g, double b) => $"rgb({(int)Math.Round(r)},{(int)Math.Round(g)},{(int)Math.Round(b)})";

    private static string E(string s) => WebUtility.HtmlEncode(s);
    private static string F3(double v) => double.IsNaN(v) ? "—" : v.ToString("0.000", CultureInfo.InvariantCulture);
    private static string F0(double v) => double.IsNaN(v) ? "—" : v.ToString("N0", CultureInfo.InvariantCulture);
    private static string G3(double v) => double.IsNaN(v) ? "—" : v.ToString("G3", CultureInfo.InvariantCulture);
    private static string Time(double v) => double.IsPositiveInfinity(v) ? "never" : F0(v);

    private const string Css = """
        :root { --fg:#1d2433; --muted:#6b7280; --line:#d9dee7; --bg:#f6f7f9; }
        * { box-sizing: border-box; }
        body { margin:0; font: 14px/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color:var(--fg); background:var(--bg); }
        header { background:#1d2433; color:#fff; padding:18px 28px 10px; }
        header h1 { margin:0 0 4px; font-size:24px; }
        header .run { font-family:"DejaVu Sans Mono", monospace; background:#2f3a52; padding:1px 8px; border-radius:4px; }
        header .muted { color:#c4cad6; margin:0 0 8px; }
        nav a { color:#9fd3ff; margin-right:14px; text-decoration:none; font-size:13px; }
        main { padding:8px 28px 40px; max-width:1640px; }
        section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:6px 20px 16px; margin:18px 0; }
        h2 { font-size:20px; border-bottom:1px solid var(--line); padding-bottom:6px; }
        h3 { font-size:15px; margin:16px 0 6px; }
        .muted { color:var(--muted); }
        .missing { color:#8a5a00; background:#fff6e0; border:1px solid #f1d38b; border-radius:6px; padding:8px 12px; }
        .cards { display:grid; grid-template-columns:repeat(auto-fit, minmax(340px, 1fr)); gap:14px; }
        .card { border:1px solid var(--line); border-radius:6px; padding:4px 14px 10px; }
        dl { display:grid; grid-template-columns:max-content 1fr; gap:3px 12px; margin:6px 0; }
        dt { color:var(--muted); } dd { margin:0; word-break:break-word; }
        .grid { display:flex; flex-wrap:wrap; gap:14px; }
        figure.plot { margin:0; } figure.plot img { display:block; max-width:100%; height:auto; border:1px solid var(--line); }
        figure.plot { flex:0 1 auto; }
        figure.plot figcaption { color:var(--muted); font-size:12px; }
        .scroll { max-height:720px; overflow:auto; border:1px solid var(--line); }
        table { border-collapse:collapse; font-size:12px; }
        th, td { border:1px solid var(--line); padding:2px 8px; text-align:right; }
        th { background:#eef1f5; position:sticky; top:0; }
        td.name { text-align:left; font-family:"DejaVu Sans Mono", monospace; white-space:nowrap; }
        table.small { margin-top:10px; }
        .strip { display:flex; flex-wrap:wrap; gap:6px; margin-bottom:6px; }
        .clusters { display:flex; flex-wrap:wrap; gap:10px 22px; }
        .strip.cluster { border-left:3px solid #54a24b; padding-left:8px; }
        figure.tile { margin:0; width:92px; text-align:center; font-size:11px; line-height:1.25; }
        figure.tile img { width:84px; height:84px; image-rendering:pixelated; border:3px solid #d9dee7; border-radius:3px; }
        figure.tile.k1 img, .k1 { border-color:#e45756; } figure.tile.k2 img, .k2 { border-color:#f58518; } figure.tile.k3 img, .k3 { border-color:#54a24b; }
        span.k1, span.k2, span.k3 { border:3px solid; padding:0 4px; border-radius:3px; margin-right:6px; }
        details { margin:10px 0; }
        """;
}
