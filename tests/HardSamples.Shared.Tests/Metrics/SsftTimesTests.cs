using System.Globalization;
using System.Text.Json;
using HardSamples.Shared.Metrics;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Metrics;

public class SsftTimesTests
{
    private const int Samples = 12;
    private const int Logs = 5;

    /// <summary>The fixture's learning CSV as the probe contract's learn_order/learn_score [E1, n].</summary>
    private static (int[] Order, double[] Score) LearningArrays()
    {
        var csv = CsvTable.Read(RepoPaths.Golden("ssft", "learning_input.csv"));
        var epoch = csv.Column("epoch").Select(v => (int)v).ToArray();
        var position = csv.Column("position").Select(v => (int)v).ToArray();
        var sample = csv.Column("sample_idx").Select(v => (int)v).ToArray();
        var score = csv.Column("score");
        var epochs = epoch.Max() + 1;
        var order = new int[epochs * Samples];
        var scores = new double[epochs * Samples];
        for (var r = 0; r < epoch.Length; r++)
        {
            order[epoch[r] * Samples + position[r]] = sample[r];
            scores[epoch[r] * Samples + position[r]] = score[r];
        }
        return (order, scores);
    }

    /// <summary>The fixture's forgetting CSV as forget_prob [T, n] by sample (T = epochs × logs).</summary>
    private static double[] ForgettingArray()
    {
        var csv = CsvTable.Read(RepoPaths.Golden("ssft", "forgetting_input.csv"));
        var epoch = csv.Column("epoch").Select(v => (int)v).ToArray();
        var log = csv.Column("log").Select(v => (int)v).ToArray();
        var sample = csv.Column("sample_idx").Select(v => (int)v).ToArray();
        var score = csv.Column("score");
        var prob = new double[(epoch.Max() + 1) * Logs * Samples];
        for (var r = 0; r < epoch.Length; r++) prob[(epoch[r] * Logs + log[r]) * Samples + sample[r]] = score[r];
        return prob;
    }

    private static long[] Expected(string column) =>
        CsvTable.Read(RepoPaths.Golden("ssft", "expected.csv")).Column(column).Select(v => (long)v).ToArray();

    [Fact]
    public void Learning_times_match_the_golden_fixture()
    {
        var (order, score) = LearningArrays();
        var learning = SsftTimes.Learning<double>(order, score, Samples);
        Assert.Equal(Expected("learning_epoch"), learning.Epoch.Select(v => (long)v));
        Assert.Equal(Expected("learning_step"), learning.Step);
    }

    [Fact]
    public void Learning_times_are_the_same_from_float32_scores()
    {
        var (order, score) = LearningArrays();
        var fromFloat = SsftTimes.Learning<float>(order, score.Select(v => (float)v).ToArray(), Samples);
        Assert.Equal(Expected("learning_step"), fromFloat.Step);
    }

    [Fact]
    public void Forgetting_times_steps_and_sentinel_match_the_golden_fixture()
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(RepoPaths.Golden("ssft", "meta.json")));
        var forgetting = SsftTimes.Forgetting<double>(ForgettingArray(), Samples, Logs, stepsPerEpoch: meta.RootElement.GetProperty("n_split").GetInt32());
        Assert.Equal(Expected("forgetting_epoch"), forgetting.Epoch.Select(v => (long)v));
        Assert.Equal(Expected("forgetting_log_index_dense"), forgetting.LogIndex.Select(v => (long)v));
        Assert.Equal(Expected("forgetting_step"), forgetting.Step);
        Assert.Equal(Expected("forgetting_step_with_sentinel"), forgetting.StepWithSentinel);
        Assert.Equal(meta.RootElement.GetProperty("never_forgotten_sentinel").GetInt64(), forgetting.Sentinel);
    }

    [Fact]
    public void Seed_step_formula_and_the_log_4_quirk()
    {
        Assert.Equal(new long[] { 0, 58, 116, 174, 232 }, Enumerable.Range(0, 5).Select(l => SsftTimes.ForgettingStep(0, l, 5, 235)));
        Assert.Equal(SsftTimes.ForgettingStep(1, 0, 5, 235), SsftTimes.ForgettingStep(0, 4, 5, 235));
        Assert.Equal(3_000_000 + 10_000, 3_000_000 + SsftTimes.SentinelOffset);
    }

    [Fact]
    public void Threshold_ties_change_nothing_and_never_learnt_gets_the_sentinel()
    {
        // Two samples, three epochs: sample 0 goes 0.5 (tie), 0.7 (learnt at epoch 1), 0.5 (tie, kept).
        int[] order = [0, 1, 1, 0, 0, 1];
        double[] score = [0.5, 0.2, 0.1, 0.7, 0.5, 0.3];
        var learning = SsftTimes.Learning<double>(order, score, 2);
        Assert.Equal([1, -1], learning.Epoch);
        Assert.Equal([3L, -1], learning.Step);
        Assert.Equal([3L, 3 + SsftTimes.SentinelOffset], learning.StepWithSentinel);
    }

    [Fact]
    public void Bad_probe_arrays_are_rejected()
    {
        Assert.Throws<InvalidDataException>(() => SsftTimes.Learning<double>([0, 0], [0.7, 0.7], 2));
        Assert.Throws<InvalidDataException>(() => SsftTimes.Learning<double>([0, 1], [0.7], 2));
        Assert.Throws<InvalidDataException>(() => SsftTimes.Learning<double>([0, 1], [double.NaN, 0.1], 2));
        Assert.Throws<InvalidDataException>(() => SsftTimes.Forgetting<double>([0.1, 0.2, 0.3], 2, 1, 10));
    }

    [Fact]
    public void By_sample_reorders_values_seen_in_order()
    {
        Assert.Equal([20.0, 10, 30, 40], SsftTimes.BySample<double>([1, 0, 0, 1], [10.0, 20, 30, 40], 2));
        _ = CultureInfo.InvariantCulture;
    }
}
