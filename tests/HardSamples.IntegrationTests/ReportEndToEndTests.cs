using HardSamples.Shared.Reporting;
using HardSamples.TestSupport;

namespace HardSamples.IntegrationTests;

/// <summary>
/// The report of a real pipeline run (CLI <c>run</c> with a held-out test split on a small slice of the bundled sample, then
/// <c>evaluate-pruning</c> and <c>report</c>) opened in headless Debian Chromium: every section rendered from real
/// inputs, no console error, no request beyond the file; the screenshot goes to <c>artifacts/report-e2e.png</c>.
/// </summary>
public sealed class ReportEndToEndTests
{
    [Fact]
    public async Task Report_of_a_real_run_renders_every_section_in_chromium()
    {
        using var dir = new TempDirectory("report-e2e");
        var runs = Path.Combine(dir.Path, "runs");
        using (var run = CliRunner.Start("run", "--out", runs, "--run-id", "it-report", "--max-samples", "600", "--epochs", "3", "--ssft-epochs", "2",
                   "--test-fraction", "0.2", "--plain"))
        {
            var code = await run.WaitAsync(TimeSpan.FromMinutes(6));
            Assert.True(code == 0, run.Output);
        }
        using (var eval = CliRunner.Start("evaluate-pruning", "--run", "it-report", "--runs", runs, "--fractions", "0.5", "--seeds", "2", "--epochs", "2"))
        {
            var code = await eval.WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(code == 0, eval.Output);
        }
        string path;
        using (var report = CliRunner.Start("report", "--run", "it-report", "--runs", runs))
        {
            var code = await report.WaitAsync(TimeSpan.FromMinutes(2));
            Assert.True(code == 0, report.Output);
            path = report.Output.Split('\n').Select(l => l.Trim()).First(l => l.EndsWith("index.html", StringComparison.Ordinal));
        }
        Assert.Equal(Path.Combine(runs, "it-report", "report", "index.html"), path);
        var html = await File.ReadAllTextAsync(path);
        // every section has its inputs; a tiny run may find no near-duplicate pair, leave an SSFT category empty or learn
        // too little in 2 SSFT epochs for the categories to mean much (the report says so)
        var missing = System.Text.RegularExpressions.Regex.Matches(html, "<p class=\"missing\">(.*?)</p>").Select(m => m.Groups[1].Value).ToList();
        Assert.All(missing, m => Assert.True(m.Contains("near-duplicate pairs") || m.StartsWith("No sample was categorised") || m.StartsWith("Caution — only"), m));

        var url = new Uri(path).AbsoluteUri;
        await using var chromium = await HeadlessChromium.StartAsync();
        var page = await chromium.LoadAsync(url);
        Assert.Empty(page.ConsoleErrors);
        Assert.Empty(page.ExternalRequests(url));
        foreach (var (id, _) in HtmlReport.Sections) Assert.True(page.Sections.ContainsKey(id), $"section {id} rendered");
        Assert.Equal("true", await chromium.EvaluateAsync("[...document.images].every(i => i.complete && i.naturalWidth > 0).toString()"));
        var artifacts = Path.Combine(RepoPaths.RepoRoot, "artifacts");
        Directory.CreateDirectory(artifacts);
        await File.WriteAllBytesAsync(Path.Combine(artifacts, "report-e2e.png"), await chromium.ScreenshotAsync());
    }
}
