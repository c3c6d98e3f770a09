using System.Text.RegularExpressions;
using HardSamples.Shared.Pruning;
using HardSamples.Shared.Reporting;
using HardSamples.Shared.Runs;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Reporting;

public class HtmlReportTests
{
    [Fact]
    public async Task Full_run_report_is_self_contained_and_renders_every_section()
    {
        var store = new DictionaryArtifactStore();
        var info = SyntheticRun.Create(store, "rep", new SyntheticRunOptions { UseGoldenMetrics = true });
        store.Put("rep/results/pruning.csv", PruningEvaluator.ToCsv([
            new PruningResultRow(0.5, "score-hard", 0, 0.91, 800, 400, "linear", 3), new PruningResultRow(0.5, "random", 0, 0.89, 800, 400, "linear", 3),
            new PruningResultRow(0.5, "score-hard", 1, 0.92, 800, 400, "linear", 3), new PruningResultRow(0.5, "random", 1, 0.88, 800, 400, "linear", 3),
        ]));
        var outcome = await new ReportBuilder(store).BuildAsync("rep");
        Assert.Equal("rep/report/index.html", outcome.BlobName);
        var html = System.Text.Encoding.UTF8.GetString(store.Get(outcome.BlobName));
        AssertSelfContained(html);
        foreach (var (id, _) in HtmlReport.Sections) Assert.Contains($"<section id=\"{id}\">", html);
        Assert.DoesNotContain("class=\"missing\"", html);
        Assert.True(Regex.Matches(html, "data:image/png;base64,").Count > 100, "plots and sample tiles are inline PNGs");
        Assert.Contains("loss__last", html);
        Assert.Contains("mislabeled", html);
        Assert.Empty(outcome.Problems);
        Directory.CreateDirectory(Path.Combine(RepoPaths.RepoRoot, "artifacts"));
        await File.WriteAllTextAsync(Path.Combine(RepoPaths.RepoRoot, "artifacts", "report-unit.html"), html);
        _ = info;
    }

    [Fact]
    public async Task Sections_without_inputs_say_what_is_missing_instead_of_failing()
    {
        var store = new DictionaryArtifactStore();
        store.PutText("bare/manifest.json", """{"runId":"bare"}""");
        var outcome = await new ReportBuilder(store).BuildAsync("bare");
        var html = System.Text.Encoding.UTF8.GetString(store.Get(outcome.BlobName));
        AssertSelfContained(html);
        foreach (var (id, _) in HtmlReport.Sections) Assert.Contains($"<section id=\"{id}\">", html);
        Assert.True(Regex.Matches(html, "class=\"missing\"").Count >= 7);
        Assert.Contains("no results/metrics.csv", html);
        Assert.Contains("not evaluated", html);
        Assert.Contains("metrics", outcome.Problems.Keys);
    }

    [Fact]
    public async Task Unreadable_input_is_reported_in_its_section_and_unknown_run_throws()
    {
        var store = new DictionaryArtifactStore();
        SyntheticRun.Create(store, "bad", new SyntheticRunOptions { Count = 200 });
        store.PutText("bad/results/correlations.csv", "metric,srcc\nx,1\n");
        var outcome = await new ReportBuilder(store).BuildAsync("bad");
        Assert.StartsWith("unreadable", outcome.Problems["correlations"]);
        var html = System.Text.Encoding.UTF8.GetString(store.Get(outcome.BlobName));
        Assert.Contains("missing column", html);
        await Assert.ThrowsAsync<RunNotFoundException>(() => new ReportBuilder(store).BuildAsync("nope"));
    }

    private static void AssertSelfContained(string html)
    {
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex(@"(src|href)\s*=\s*""(?!data:|#)", RegexOptions.IgnoreCase), html);
        Assert.DoesNotMatch(new Regex(@"url\(", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("@import", html);
    }
}
