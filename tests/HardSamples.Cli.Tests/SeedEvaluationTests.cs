using HardSamples.Shared.Evaluation;

namespace HardSamples.Cli.Tests;

/// <summary>The pure pieces behind <c>eval seed-tables</c> that the synthetic run does not pin down.</summary>
public class SeedEvaluationTests
{
    [Fact]
    public void Max_abs_srcc_of_a_binary_target_matches_the_issue_figure()
    {
        Assert.Equal(0.387, SeedReference.MaxAbsSrcc(500.0 / 9500), 3);
        Assert.Equal(Math.Sqrt(0.75), SeedReference.MaxAbsSrcc(0.5), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => SeedReference.MaxAbsSrcc(0));
    }

    [Fact]
    public void Merging_ssft_directions_rejects_a_sample_in_both_first_splits()
    {
        var d = new SsftDirection([0, 1], [0, 1], [0.9f, 0.9f], [0.9f, 0.9f], 1, 1);
        Assert.Throws<InvalidDataException>(() => SeedEvaluation.MergeDirections(3, [d, d]));
        var times = SeedEvaluation.MergeDirections(3, [d]);
        Assert.Equal([0, 1], times.Learn[..2]);
        Assert.True(double.IsNaN(times.Learn[2]));
        Assert.True(double.IsPositiveInfinity(times.Forget[0])); // never below 0.5
    }
}
