using System.Globalization;
using HardSamples.GpuRunner.Metrics;
using HardSamples.GpuRunner.Tests.Support;
using HardSamples.GpuRunner.Torch;
using HardSamples.Shared.Arrays;
using HardSamples.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Tests.Metrics;

[Collection(TorchCollection.Name)]
public sealed class TorchSsimTests
{
    private static (Tensor X, Tensor Y) Pairs()
    {
        var pairs = Npy.ReadFile<float>(RepoPaths.Golden("ssim", "pairs.npy")); // [8,2,28,28]
        var all = torch.tensor(pairs.Data, pairs.Shape);
        return (all.select(1, 0).unsqueeze(1), all.select(1, 1).unsqueeze(1));
    }

    private static double[] Expected(string column)
    {
        var lines = File.ReadAllLines(RepoPaths.Golden("ssim", "expected.csv"));
        var index = Array.IndexOf(lines[0].Split(','), column);
        Assert.True(index >= 0, $"column {column} missing");
        return lines.Skip(1).Select(l => double.Parse(l.Split(',')[index], CultureInfo.InvariantCulture)).ToArray();
    }

    [Theory]
    [InlineData(SsimVariant.Gaussian11, 1.0, "msssim_gauss11_s1.5_dr1")]
    [InlineData(SsimVariant.Box7, 1.0, "skimage_w7_box_dr1")]
    [InlineData(SsimVariant.Box7, 1.0 / 0.3081, "skimage_w7_box_dr_norm")]
    public void MatchesTheGoldenFixtures(SsimVariant variant, double dataRange, string column)
    {
        TorchRuntime.EnsureInitialized();
        var (x, y) = Pairs();
        var actual = TorchSsim.PerSample(x, y, variant, dataRange).data<double>().ToArray();
        var expected = Expected(column);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-9, $"pair {i}: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void IsSymmetricAndOneForIdenticalImages()
    {
        TorchRuntime.EnsureInitialized();
        var (x, y) = Pairs();
        var xy = TorchSsim.PerSample(x, y, SsimVariant.Gaussian11).data<double>().ToArray();
        var yx = TorchSsim.PerSample(y, x, SsimVariant.Gaussian11).data<double>().ToArray();
        Assert.Equal(xy, yx, (a, b) => Math.Abs(a - b) < 1e-12);
        var self = TorchSsim.PerSample(x, x, SsimVariant.Box7).data<double>().ToArray();
        Assert.All(self, v => Assert.Equal(1.0, v, 12));
    }

    [Fact]
    public void RejectsMismatchedOrTooSmallImages()
    {
        TorchRuntime.EnsureInitialized();
        Assert.Throws<ArgumentException>(() => TorchSsim.PerSample(torch.zeros(2, 1, 28, 28), torch.zeros(2, 1, 27, 28), SsimVariant.Box7));
        Assert.Throws<ArgumentException>(() => TorchSsim.PerSample(torch.zeros(2, 1, 8, 8), torch.zeros(2, 1, 8, 8), SsimVariant.Gaussian11));
    }
}
