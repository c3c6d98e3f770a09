using HardSamples.Shared.Reporting;
using HardSamples.Shared.Pruning;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Reporting;

/// <summary>The report in a real headless Chromium: no console errors, no requests beyond the file itself, screenshots under artifacts/.</summary>
public class ReportBrowserTests
{
    [Fact]
    public async Task Report_loads_in_headless_chromium_without_errors_or_external_requests()
    {
        using var dir = new TempDirectory("report");
        var store = new DictionaryArtifactStore();
        SyntheticRun.Create(store, "browser", new SyntheticRunOptions { UseGoldenMetrics = true });
        store.Put("browser/results/pruning.csv", PruningEvaluator.ToCsv(SamplePruningRows()));
        var outcome = await new ReportBuilder(store).BuildAsync("browser");
        var file = dir.File("index.html");
        await File.WriteAllBytesAsync(file, store.Get(outcome.BlobName));
        var url = new Uri(file).AbsoluteUri;

        await using var chromium = await HeadlessChromium.StartAsync();
        var page = await chromium.LoadAsync(url);
        Assert.Empty(page.ConsoleErrors);
        Assert.Empty(page.ExternalRequests(url));
        Assert.Empty(page.FailedRequests);
        Assert.Contains(url, page.Requests);
        foreach (var (id, _) in HtmlReport.Sections) Assert.True(page.Sections.ContainsKey(id), $"section {id} rendered");
        Assert.Equal("true", await chromium.EvaluateAsync("[...document.images].every(i => i.complete && i.naturalWidth > 0).toString()"));

        var artifacts = Path.Combine(RepoPaths.RepoRoot, "artifacts");
        Directory.CreateDirectory(artifacts);
        var full = await chromium.ScreenshotAsync();
        Assert.True(full.Length > 10_000);
        await File.WriteAllBytesAsync(Path.Combine(artifacts, "report-screenshot.png"), full);
        foreach (var (id, (top, height)) in page.Sections)
            await File.WriteAllBytesAsync(Path.Combine(artifacts, $"report-{id}.png"), await chromium.ScreenshotAsync(top, Math.Min(height, 1800)));
    }

    [Fact]
    public async Task The_browser_check_catches_console_errors_and_external_requests()
    {
        using var dir = new TempDirectory("report-neg");
        var file = dir.File("bad.html");
        await File.WriteAllTextAsync(file, """
            <!DOCTYPE html><html><head><title>bad</title></head><body>
            <img src="http://127.0.0.1:9/missing.png"><script>console.error("boom");</script></body></html>
            """);
        var url = new Uri(file).AbsoluteUri;
        await using var chromium = await HeadlessChromium.StartAsync();
        var page = await chromium.LoadAsync(url);
        Assert.Contains(page.ConsoleErrors, e => e.Contains("boom"));
        Assert.Contains("http://127.0.0.1:9/missing.png", page.ExternalRequests(url));
    }

    private static List<PruningResultRow> SamplePruningRows()
    {
        var rows = new List<PruningResultRow>();
        foreach (var f in new[] { 0.3, 0.5, 0.7 })
            for (var s = 0; s < 3; s++)
            {
                rows.Add(new PruningResultRow(f, "score-hard", s, 0.80 + 0.1 * f + 0.004 * s, (int)(1600 * f), 400, "linear", 3));
                rows.Add(new PruningResultRow(f, "random", s, 0.78 + 0.1 * f + 0.006 * s, (int)(1600 * f), 400, "linear", 3));
            }
        for (var s = 0; s < 3; s++) rows.Add(new PruningResultRow(1.0, "full", s, 0.9 + 0.002 * s, 1600, 400, "linear", 3));
        return rows;
    }
}
