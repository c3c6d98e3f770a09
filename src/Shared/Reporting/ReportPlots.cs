using HardSamples.Shared.Pruning;
using ScottPlot;

namespace HardSamples.Shared.Reporting;

/// <summary>A named group of values drawn in one colour.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Values">Values.</param>
/// <param name="ColorHex">Colour, e.g. <c>#1f77b4</c>.</param>
public sealed record PlotSeries(string Name, IReadOnlyList<double> Values, string ColorHex);

/// <summary>A named set of points drawn in one colour.</summary>
/// <param name="Name">Legend text.</param>
/// <param name="Xs">X values.</param>
/// <param name="Ys">Y values.</param>
/// <param name="ColorHex">Colour.</param>
public sealed record PointSeries(string Name, IReadOnlyList<double> Xs, IReadOnlyList<double> Ys, string ColorHex);

/// <summary>The report's plots, rendered with ScottPlot 5 to PNG bytes (readable sizes and fonts).</summary>
public static class ReportPlots
{
    /// <summary>Default plot width in pixels.</summary>
    public const int Width = 640;

    /// <summary>Default plot height in pixels.</summary>
    public const int Height = 390;

    /// <summary>Colours for groups: clean, mixture, flip, duplicate, then extras.</summary>
    public static readonly IReadOnlyList<string> Palette = ["#4c78a8", "#e45756", "#f58518", "#54a24b", "#b279a2", "#9d755d", "#72b7b2", "#eeca3b"];

    /// <summary>
    /// Overlaid density histograms (each group normalised to unit area, as <c>plt.hist(density=True, alpha=.5)</c>),
    /// sharing bins over the central 0.5–99.5% range of all values so outliers do not squash the plot.
    /// </summary>
    public static byte[] Histogram(string title, string xLabel, IReadOnlyList<PlotSeries> groups, int bins = 30)
    {
        var all = groups.SelectMany(g => g.Values).Where(double.IsFinite).Order().ToArray();
        using var plot = NewPlot(title, xLabel, "density");
        if (all.Length == 0) return Empty(plot, "no finite values");
        var lo = all[(int)(0.005 * (all.Length - 1))];
        var hi = all[(int)Math.Ceiling(0.995 * (all.Length - 1))];
        if (hi <= lo) { lo -= 0.5; hi += 0.5; }
        var width = (hi - lo) / bins;
        foreach (var g in groups)
        {
            var vals = g.Values.Where(double.IsFinite).ToArray();
            if (vals.Length == 0) continue;
            var counts = new double[bins];
            foreach (var v in vals) counts[Math.Clamp((int)((v - lo) / width), 0, bins - 1)]++;
            var bars = new List<Bar>();
            for (var b = 0; b < bins; b++)
            {
                bars.Add(new Bar
                {
                    Position = lo + (b + 0.5) * width,
                    Value = counts[b] / (vals.Length * width),
                    Size = width,
                    FillColor = Color.FromHex(g.ColorHex).WithAlpha(0.45),
                    LineWidth = 0,
                });
            }
            var bp = plot.Add.Bars(bars);
            bp.LegendText = $"{g.Name} (n={vals.Length})";
        }
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperRight);
        return Png(plot);
    }

    /// <summary>Scatter of several point groups (drawn in order, so list the largest group first).</summary>
    public static byte[] Scatter(string title, string xLabel, string yLabel, IReadOnlyList<PointSeries> groups, IReadOnlyList<(double X, string Label)>? verticalLines = null,
        IReadOnlyList<(double Y, string Label)>? horizontalLines = null, float markerSize = 5)
    {
        using var plot = NewPlot(title, xLabel, yLabel);
        var any = false;
        foreach (var g in groups)
        {
            var xs = new List<double>(); var ys = new List<double>();
            for (var i = 0; i < g.Xs.Count; i++)
                if (double.IsFinite(g.Xs[i]) && double.IsFinite(g.Ys[i])) { xs.Add(g.Xs[i]); ys.Add(g.Ys[i]); }
            if (xs.Count == 0) continue;
            any = true;
            var sp = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray(), Color.FromHex(g.ColorHex).WithAlpha(0.7));
            sp.MarkerSize = markerSize;
            sp.LegendText = $"{g.Name} (n={xs.Count})";
        }
        if (!any) return Empty(plot, "no points");
        foreach (var (x, label) in verticalLines ?? [])
        {
            var l = plot.Add.VerticalLine(x, 1.5f, Color.FromHex("#555555"), LinePattern.Dashed);
            l.LegendText = label;
        }
        foreach (var (y, label) in horizontalLines ?? [])
        {
            var l = plot.Add.HorizontalLine(y, 1.5f, Color.FromHex("#888888"), LinePattern.Dotted);
            l.LegendText = label;
        }
        plot.ShowLegend(Edge.Bottom);
        return Png(plot, Height + 70);
    }

    /// <summary>Line plot of several series over a shared x (e.g. epochs).</summary>
    public static byte[] Lines(string title, string xLabel, string yLabel, IReadOnlyList<PointSeries> series)
    {
        using var plot = NewPlot(title, xLabel, yLabel);
        if (series.Count == 0) return Empty(plot, "no series");
        foreach (var s in series)
        {
            var sc = plot.Add.Scatter(s.Xs.ToArray(), s.Ys.ToArray(), Color.FromHex(s.ColorHex));
            sc.LineWidth = 2;
            sc.MarkerSize = s.Xs.Count > 60 ? 0 : 4;
            sc.LegendText = s.Name;
        }
        plot.ShowLegend(Alignment.UpperRight);
        return Png(plot);
    }

    /// <summary>Accuracy against kept fraction: mean per strategy with ± one standard deviation over seeds, plus each seed as a dot.</summary>
    public static byte[] PruningCurve(IReadOnlyList<PruningResultRow> rows, string title = "Test accuracy vs kept fraction")
    {
        using var plot = NewPlot(title, "kept fraction of the training pool", "test accuracy");
        if (rows.Count == 0) return Empty(plot, "no results");
        var strategies = rows.Select(r => r.Strategy).Distinct().OrderBy(s => s == "full" ? 2 : s == "random" ? 1 : 0).ThenBy(s => s).ToList();
        // strategies side by side around each fraction so their bars never hide each other
        var span = Math.Max(0.2, rows.Max(r => r.Fraction) - rows.Min(r => r.Fraction));
        var step = span * 0.012;
        for (var k = 0; k < strategies.Count; k++)
        {
            var color = Color.FromHex(strategies[k] == "random" ? "#888888" : strategies[k] == "full" ? "#54a24b" : Palette[(k + 1) % Palette.Count]);
            var offset = (k - (strategies.Count - 1) / 2.0) * step;
            var mine = rows.Where(r => r.Strategy == strategies[k]).ToList();
            var groups = mine.GroupBy(r => r.Fraction).OrderBy(g => g.Key).ToList();
            var xs = groups.Select(g => g.Key + offset).ToArray();
            var means = groups.Select(g => g.Average(r => r.Accuracy)).ToArray();
            var stds = groups.Select(g => Std(g.Select(r => r.Accuracy).ToArray())).ToArray();
            var line = plot.Add.Scatter(xs, means, color);
            line.LineWidth = 2;
            line.MarkerSize = 8;
            line.LegendText = $"{strategies[k]} (mean ± sd, {groups.Max(g => g.Count())} seeds)";
            var eb = plot.Add.ErrorBar(xs, means, stds);
            eb.Color = color;
            eb.LineWidth = 2;
            eb.CapSize = 6;
            var dots = plot.Add.ScatterPoints(mine.Select(r => r.Fraction + offset + step * 0.35).ToArray(), mine.Select(r => r.Accuracy).ToArray(), color.WithAlpha(0.45));
            dots.MarkerSize = 5;
        }
        plot.ShowLegend(Edge.Bottom);
        return Png(plot, Height + 70);
    }

    /// <summary>Population standard deviation (0 for one value).</summary>
    public static double Std(IReadOnlyList<double> v)
    {
        if (v.Count < 2) return 0;
        var m = v.Average();
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / v.Count);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title, 17);
        plot.XLabel(xLabel, 14);
        plot.YLabel(yLabel, 14);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        plot.Legend.FontSize = 12;
        return plot;
    }

    private static byte[] Empty(Plot plot, string why)
    {
        var t = plot.Add.Text(why, 0, 0);
        t.LabelFontSize = 16;
        plot.Axes.SetLimits(-1, 1, -1, 1);
        return Png(plot);
    }

    /// <summary>Sans-serif font used when installed (Debian's fonts-dejavu-core); SkiaSharp falls back otherwise.</summary>
    public const string FontName = "DejaVu Sans";

    private static byte[] Png(Plot plot, int height = Height) => plot.GetImageBytes(Width, height, ImageFormat.Png);
}
