using HardSamples.Shared.Ranking;
using HardSamples.Shared.Tabular;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Ranking;

public class SsftCategorizerTests
{
    [Fact]
    public void Planted_groups_land_in_their_categories_with_thresholds_between_the_groups()
    {
        var rng = new Random(11);
        var learn = new List<double>();
        var forget = new List<double>();
        var truth = new List<SsftCategory>();
        void Add(int count, Func<double> l, Func<double> f, SsftCategory c)
        {
            for (var i = 0; i < count; i++) { learn.Add(l()); forget.Add(f()); truth.Add(c); }
        }
        const double never = -1;
        Add(400, () => 100 + 900 * rng.NextDouble(), () => rng.NextDouble() < 0.9 ? never : 20000 + 5000 * rng.NextDouble(), SsftCategory.Typical);
        Add(40, () => 8000 + 4000 * rng.NextDouble(), () => rng.NextDouble() < 0.5 ? never : 20000 + 5000 * rng.NextDouble(), SsftCategory.Atypical);
        Add(30, () => rng.NextDouble() < 0.3 ? never : 8000 + 4000 * rng.NextDouble(), () => 500 * rng.Next(0, 3), SsftCategory.Mislabeled);
        Add(30, () => 100 + 900 * rng.NextDouble(), () => 500 * rng.Next(0, 3), SsftCategory.Ambiguous);
        var result = SsftCategorizer.Categorize(learn.ToArray(), forget.ToArray());
        Assert.Equal(truth, result.Categories);
        Assert.InRange(result.Thresholds.LearnLate, 1000, 8000);
        Assert.InRange(result.Thresholds.ForgetEarly, 1000, 20000);
        Assert.Equal(SsftThresholdRule.Otsu, result.Thresholds.Rule);
    }

    [Fact]
    public void Thresholds_scale_with_the_data_rather_than_fixed_step_counts()
    {
        double[] learn = [10, 12, 11, 13, 90, 95];
        double[] forget = [-1, -1, -1, -1, 1, 2];
        var a = SsftCategorizer.Categorize(learn, forget);
        var b = SsftCategorizer.Categorize(learn.Select(v => v * 1000).ToArray(), forget.Select(v => v < 0 ? v : v * 1000).ToArray());
        Assert.Equal(a.Categories, b.Categories);
        Assert.Equal(a.Thresholds.LearnLate * 1000, b.Thresholds.LearnLate, 9);
    }

    [Fact]
    public void Golden_ssft_sentinel_and_never_learnt_are_recognised()
    {
        using var f = File.OpenRead(RepoPaths.Golden("ssft", "expected.csv"));
        using var reader = new StreamReader(f);
        var rows = Csv.ReadAll(reader).Skip(1).ToList();
        var learn = rows.Select(r => double.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var forget = rows.Select(r => double.Parse(r[6], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var lt = SsftCategorizer.NormalizeLearning(learn);
        var ft = SsftCategorizer.NormalizeForgetting(forget);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i][1] == "-1", double.IsPositiveInfinity(lt[i]));
            Assert.Equal(rows[i][3] == "-1", double.IsPositiveInfinity(ft[i]));
        }
        Assert.Contains(ft, double.IsPositiveInfinity);
    }

    [Fact]
    public void Epoch_columns_mark_never_when_two_directions_left_two_different_sentinels()
    {
        // direction AB: steps up to 500, sentinel 10500; direction BA: steps up to 800, sentinel 10800
        double[] learn = [100, 120, 110, 130, 10500, 90, 115, 10800];
        double[] learnEpoch = [0, 0, 0, 0, -1, 0, 0, -1];
        double[] forget = [10500, 10500, 10800, 10800, 10, 20, 10800, 500];
        double[] forgetEpoch = [-1, -1, -1, -1, 0, 0, -1, 1];
        var withEpochs = SsftCategorizer.Categorize(learn, forget, null, learnEpoch, forgetEpoch);
        Assert.True(double.IsPositiveInfinity(withEpochs.LearnTime[4]) && double.IsPositiveInfinity(withEpochs.LearnTime[7]));
        Assert.Equal(5, withEpochs.ForgetTime.Count(double.IsPositiveInfinity));
        Assert.Equal(SsftCategory.Mislabeled, withEpochs.Categories[4]);
        Assert.Equal(SsftCategory.Typical, withEpochs.Categories[0]);
        Assert.Equal(SsftCategory.Ambiguous, withEpochs.Categories[5]);
        // without the epochs only the larger sentinel would be recognised and 10500 would count as a real time
        var stepsOnly = SsftCategorizer.NormalizeForgetting(forget);
        Assert.Equal(10500, stepsOnly[0]);
    }

    [Fact]
    public void Values_that_merely_are_large_are_not_mistaken_for_the_sentinel()
    {
        var ft = SsftCategorizer.NormalizeForgetting([5, 12000, 30000]);
        Assert.Equal([5.0, 12000.0, 30000.0], ft);
    }

    [Fact]
    public void Quantile_rule_and_unknown_samples()
    {
        double[] learn = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, double.NaN];
        double[] forget = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 3];
        var r = SsftCategorizer.Categorize(learn, forget, new SsftOptions { Rule = SsftThresholdRule.Quantile, LearnQuantile = 0.8, ForgetQuantile = 0.2 });
        Assert.Equal(8.2, r.Thresholds.LearnLate, 12);
        Assert.Equal(2.8, r.Thresholds.ForgetEarly, 12);
        Assert.Equal(SsftCategory.Ambiguous, r.Categories[0]);
        Assert.Equal(SsftCategory.Atypical, r.Categories[9]);
        Assert.Equal(SsftCategory.Unknown, r.Categories[10]);
        Assert.Throws<ArgumentException>(() => SsftCategorizer.Categorize(learn, forget, new SsftOptions { LearnQuantile = 2 }));
        Assert.Throws<ArgumentException>(() => SsftCategorizer.Categorize(learn, forget[..3]));
    }
}

public class SsftSummaryTests
{
    [Fact]
    public void Summary_is_unreliable_when_most_samples_were_never_learnt()
    {
        var counts = new Dictionary<string, int> { ["typical"] = 10, ["mislabeled"] = 90, ["unknown"] = 50 };
        Assert.False(new SsftSummary("l", "f", "Otsu", 1, 1, LearntCount: 10, ForgottenCount: 90, counts).Reliable);
        Assert.True(new SsftSummary("l", "f", "Otsu", 1, 1, LearntCount: 50, ForgottenCount: 90, counts).Reliable);
        Assert.Equal(100, new SsftSummary("l", "f", "Otsu", 1, 1, 50, 90, counts).KnownCount);
    }
}
