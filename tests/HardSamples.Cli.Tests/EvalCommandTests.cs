using System.CommandLine;
using System.Globalization;
using System.Text;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Evaluation;
using HardSamples.TestSupport;

namespace HardSamples.Cli.Tests;

/// <summary><c>hardsamples eval seed-tables</c> on a tiny synthetic runs folder whose answers are known by construction.</summary>
public class EvalCommandTests
{
    private const int N = 40;

    private static Task<(int Code, string Out, string Err)> Run(params string[] args) => CliRunner.Run(args);

    // 0..3 mixtures, 4..7 label flips, 8..9 near-duplicates, the rest clean.
    private static int Kind(int i) => i < 4 ? 1 : i < 8 ? 2 : i < 10 ? 3 : 0;

    private static string MakeRuns(TempDirectory dir)
    {
        var run = dir.File("runs", "tiny");
        Directory.CreateDirectory(Path.Combine(run, "data"));
        Directory.CreateDirectory(Path.Combine(run, "results"));
        Directory.CreateDirectory(Path.Combine(run, "settings"));
        File.WriteAllText(dir.File("runs", "machine.json"), """{"nproc": 2, "cpu": "Test CPU, 2 GHz", "date": "2026-01-01T00:00:00Z", "os": "TestOS"}""");
        File.WriteAllText(Path.Combine(run, "data", "manifest.json"), """{"count": 40, "corruption": {"flipRate": 0.1}}""");
        Npy.WriteFile<int>(Path.Combine(run, "data", "injected.npy"), Enumerable.Range(0, N).Select(Kind).ToArray(), [N]);

        // loss__last separates mixtures perfectly (larger = mixture); nn1_dist separates duplicates (smaller = duplicate);
        // H__last carries no signal about either kind.
        var csv = new StringBuilder("idx,loss__last,H__last,nn1_dist\n");
        for (var i = 0; i < N; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{i},{(Kind(i) == 1 ? 10 + i : i * 0.01)},{(i * 7) % 11},{(Kind(i) == 3 ? 0.001 * i : 1 + i)}\n");
        File.WriteAllText(Path.Combine(run, "results", "metrics.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(run, "results", "metrics-timing.json"), """{"seconds": 1.5, "ks": "0", "lid_every": 10, "sil_every": 10, "extended": true}""");

        var ae = Path.Combine(run, "probes", "ae");
        Directory.CreateDirectory(ae);
        Npy.WriteFile<int>(Path.Combine(ae, "sample_index.npy"), Enumerable.Range(0, N).ToArray(), [N]);
        Npy.WriteFile<float>(Path.Combine(ae, "train_loss.npy"), [0.5f, 0.4f, 0.3f], [3]);
        // per-sample losses: epoch 1 puts the mixtures lowest (AUC 0), epoch 3 highest (AUC 1)
        var losses = new float[3 * N];
        for (var i = 0; i < N; i++)
        {
            losses[i] = Kind(i) == 1 ? 0 : 1 + i;
            losses[N + i] = (i * 7) % 11;
            losses[2 * N + i] = Kind(i) == 1 ? 100 + i : i;
        }
        Npy.WriteFile<float>(Path.Combine(ae, "losses.npy"), losses, [3, N]);
        Npy.WriteFile<int>(Path.Combine(ae, "record_epochs.npy"), [0, 1, 2], [3]);
        File.WriteAllText(Path.Combine(ae, "result.json"), """{"runId":"tiny","jobId":"ae","probe":"Autoencoder","status":"Succeeded","timings":{"total":12.5},"device":"cpu","finishedAt":"2026-01-01T01:02:03+00:00"}""");
        File.WriteAllText(Path.Combine(run, "settings", "ae.json"), """{"job": "ae", "probe": "ae", "epochs": 3, "seed": 91, "arch": "", "threads": 1}""");

        // SSFT: A = even samples, B = odd. Flips are never learnt and forgotten at the first log; mixtures are forgotten
        // at the last log; everything else is learnt in epoch 0 and never forgotten.
        foreach (var (job, first, second) in new[] { ("ssft-ab", 0, 1), ("ssft-ba", 1, 0) })
        {
            var o = Path.Combine(run, "probes", job);
            Directory.CreateDirectory(o);
            var idx = Enumerable.Range(0, N).Where(i => i % 2 == first).ToArray();
            var n = idx.Length;
            Npy.WriteFile<int>(Path.Combine(o, "sample_index.npy"), idx, [n]);
            Npy.WriteFile<int>(Path.Combine(o, "second_index.npy"), Enumerable.Range(0, N).Where(i => i % 2 == second).ToArray(), [n]);
            var order = new int[2 * n];
            var score = new float[2 * n];
            for (var e = 0; e < 2; e++)
                for (var p = 0; p < n; p++)
                {
                    order[e * n + p] = p;
                    score[e * n + p] = Kind(idx[p]) == 2 ? 0.1f : 0.9f;
                }
            Npy.WriteFile<int>(Path.Combine(o, "learn_order.npy"), order, [2, n]);
            Npy.WriteFile<float>(Path.Combine(o, "learn_score.npy"), score, [2, n]);
            var forget = new float[4 * n]; // E2 = 2 epochs × L = 2 logs
            for (var t = 0; t < 4; t++)
                for (var p = 0; p < n; p++)
                    forget[t * n + p] = Kind(idx[p]) switch { 2 => 0.1f, 1 => t == 3 ? 0.1f : 0.9f, _ => 0.9f };
            Npy.WriteFile<float>(Path.Combine(o, "forget_prob.npy"), forget, [4, n]);
            Npy.WriteFile<float>(Path.Combine(o, "learn_loss.npy"), [1f, 0.5f], [2]);
            Npy.WriteFile<float>(Path.Combine(o, "forget_loss.npy"), [1f, 0.5f], [2]);
            File.WriteAllText(Path.Combine(o, "result.json"), $$"""{"runId":"tiny","jobId":"{{job}}","probe":"Ssft","status":"Succeeded","timings":{"total":3},"device":"cpu","finishedAt":"2026-01-01T01:02:03+00:00"}""");
            File.WriteAllText(Path.Combine(run, "settings", job + ".json"), $$"""{"job": "{{job}}", "probe": "ssft", "epochs": 2, "seed": 91, "arch": "lenet", "batch": 128, "threads": 1}""");
        }
        return dir.File("runs");
    }

    [Fact]
    public async Task Seed_tables_report_known_separations_flip_detection_and_metadata()
    {
        using var dir = new TempDirectory("eval");
        var runs = MakeRuns(dir);
        var outFile = dir.File("RESULTS.md");
        var (code, _, error) = await Run("eval", "seed-tables", "--runs", runs, "--out", outFile, "--summary", dir.File("summary"));
        Assert.True(code == 0, error);
        var md = File.ReadAllText(outFile);

        foreach (var section in new[] { "## Machine and runs", "## Acceptance", "## Mixtures", "## SSFT: injected label flips", "## AE metrics versus SSFT times", "## Near-duplicates" })
            Assert.Contains(section, md);
        // machine and job metadata come from machine.json, result.json, settings and array shapes
        Assert.Contains("2 cores (`nproc`), Test CPU, 2 GHz, TestOS", md);
        Assert.Contains("| tiny | ae | ae | 40 | 3 | 3 | 91 |  |  | 12.5 s | cpu | 2026-01-01 01:02 UTC |", md);
        Assert.Contains("| tiny | ssft-ab | ssft | 20 | 2 | 2 learn + 2 forget | 91 | lenet | 128 |", md);
        // acceptance: loss__last separates the 4 mixtures perfectly
        Assert.Contains("best metric `loss__last`, mixture AUC **1.0000**", md);
        Assert.Contains("reaches the bar of 0.99", md);
        Assert.Contains("| epoch | 1 | 2 | 3 |", md);
        Assert.Contains("| AUC | 0.0000 | ", md);
        Assert.Contains(" | 1.0000 |\n", md);
        // p = 4/40: max |SRCC| = sqrt(3·0.1·0.9)
        Assert.Contains($"= {Math.Sqrt(0.27).ToString("F4", CultureInfo.InvariantCulture)}", md);
        Assert.Contains("| `loss__last` |", md);
        Assert.Contains("0.3826 (loss_last)", md);
        // flips: never learnt + forgotten first → every score detects them, the category catches all 4 and nothing else
        Assert.Contains("| tiny | 10.0 % | 4 / 40 | learn_time | 1.0000 |", md);
        Assert.Contains("| tiny | 10.0 % | 4 / 40 | learn+forget mean rank | 1.0000 |", md);
        Assert.Contains("| tiny | 10.0 % | 4 | 4 | 4 | 0 | 1.000 | 1.000 |", md);
        Assert.Contains("| seed | 0.1 % | 60 | 129 | 59 | | 0.457 | 0.983 |", md);
        // near-duplicates: nn1_dist is the best separator
        var dup = md[md.IndexOf("## Near-duplicates", StringComparison.Ordinal)..];
        Assert.Contains("2 near-duplicates among 40", dup);
        Assert.Contains("| `nn1_dist` | ", dup);
        Assert.StartsWith("| `nn1_dist` |", dup[dup.IndexOf("| `", StringComparison.Ordinal)..]);
        Assert.Contains("reaches AUC 1.0000", dup);

        // the summary CSVs alone regenerate the same page (apart from the command in the header)
        var again = dir.File("again.md");
        (code, _, error) = await Run("eval", "seed-tables", "--summary-in", dir.File("summary"), "--out", again);
        Assert.True(code == 0, error);
        static string Body(string text) => text[text.IndexOf("## Machine", StringComparison.Ordinal)..];
        Assert.Equal(Body(md), Body(File.ReadAllText(again)));
    }

    [Fact]
    public void A_best_auc_below_the_bar_is_reported_as_not_reached_with_the_epochs_and_the_trend()
    {
        var tables = new SeedTables(null,
            [new RunInfoRow("m", "ae", "ae", 100, 5, "5", 91, "", 64, 50, "cpu", "")],
            [new MetricSeparationRow("m", "loss__last", "mixture", 10, 100, 0.3, 0.9), new MetricSeparationRow("m", "H__last", "mixture", 10, 100, -0.1, 0.6)],
            [], [], [],
            [new LossAucRow("m", 0, 0.6), new LossAucRow("m", 4, 0.9)]);
        var md = SeedTablesMarkdown.Render(tables, "test");
        Assert.Contains("best metric `loss__last`, mixture AUC **0.9000**", md);
        Assert.Contains("does **not** reach the bar of 0.99: the AE ran 5 epochs instead of the seed's 600", md);
        Assert.Contains("it was still rising when training stopped", md);
        Assert.Contains("| `H__last` | -0.1000 | 0.1000 | 0.6000 | 0.2285 (H_last) |", md);
        Assert.Contains("Seed metrics without a column here", md); // loss__mean_from_50 etc. need more epochs
        Assert.Contains("No SSFT run was found.", md);
    }

    [Fact]
    public async Task Seed_tables_without_runs_fail_with_a_clear_message_and_write_nothing()
    {
        using var dir = new TempDirectory("eval-empty");
        Directory.CreateDirectory(dir.File("runs"));
        var outFile = dir.File("RESULTS.md");
        var (code, _, error) = await Run("eval", "seed-tables", "--runs", dir.File("runs"), "--out", outFile);
        Assert.Equal(2, code);
        Assert.Contains("holds no run", error);
        Assert.False(File.Exists(outFile));
    }
}
