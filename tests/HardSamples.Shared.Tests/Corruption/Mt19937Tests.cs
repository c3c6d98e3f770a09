using System.Text.Json;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Corruption;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Corruption;

public class Mt19937Tests
{
    private static JsonElement Meta() => JsonDocument.Parse(File.ReadAllText(RepoPaths.Golden("artificial_label", "meta.json"))).RootElement;

    [Fact]
    public void First_ten_outputs_for_seed_91_equal_golden()
    {
        var expected = Meta().GetProperty("mt19937_seed91_first10_uint32").EnumerateArray().Select(e => e.GetUInt32()).ToArray();
        var rng = new Mt19937(91);
        Assert.Equal(expected, Enumerable.Range(0, 10).Select(_ => rng.NextUInt32()).ToArray());
    }

    [Theory]
    [InlineData(10000)]
    [InlineData(60000)]
    public void Legacy_permutation_equals_golden_perm(int n)
    {
        var golden = Npy.ReadFile<int>(RepoPaths.Golden("artificial_label", $"perm_seed91_n{n}.npy"));
        Assert.Equal(golden.Data, Mt19937.LegacyPermutation(n, 91));
    }

    [Fact]
    public void Init_by_array_and_doubles_match_numpy_random_state()
    {
        // np.random.RandomState([91, 1]): randint(0, 2**32, 3, dtype=np.uint64) -> [2762430086, 765044156, 2631695957]
        var rng = Mt19937.FromKey(91, 1);
        Assert.Equal(new uint[] { 2762430086, 765044156, 2631695957 }, new[] { rng.NextUInt32(), rng.NextUInt32(), rng.NextUInt32() });
        // RandomState([91, 1]): random_sample(2) then standard_normal(3)
        rng = Mt19937.FromKey(91, 1);
        Assert.Equal(0.6431783749023505, rng.NextDouble());
        Assert.Equal(0.6127394603694609, rng.NextDouble());
        double[] normals = [1.2144973509316261, 0.7568839968185567, -0.05021741884320851];
        foreach (var expected in normals) Assert.Equal(expected, rng.NextGaussian(), 1e-14);
    }

    [Fact]
    public void Random_interval_stays_in_range_and_reaches_both_ends()
    {
        var rng = new Mt19937(5);
        var seen = new int[4];
        for (var i = 0; i < 1000; i++) seen[rng.RandomInterval(3)]++;
        Assert.All(seen, c => Assert.InRange(c, 150, 350));
        Assert.Equal(0u, rng.RandomInterval(0));
    }
}
