using System.Text.Json;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Corruption;
using HardSamples.Shared.Datasets;
using HardSamples.Shared.Datasets.Splits;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Corruption;

public class ArtificialMixtureTests
{
    private static JsonElement Meta() => JsonDocument.Parse(File.ReadAllText(RepoPaths.Golden("artificial_label", "meta.json"))).RootElement;

    [Fact]
    public void Plan_for_10000_follows_the_seed_layout()
    {
        var perm = Npy.ReadFile<int>(RepoPaths.Golden("artificial_label", "perm_seed91_n10000.npy")).Data;
        var plan = ArtificialMixtures.Plan(10000, 0.1, 91);
        Assert.Equal(9500, plan.Count);
        Assert.Equal(9000, plan.MixtureStart);
        Assert.Equal(500, plan.MixtureCount);
        Assert.Equal(perm[..9500], plan.Order);
        for (var p = 0; p < 9500; p++)
            Assert.Equal(p >= 9000 ? perm[p + 500] : -1, plan.Partner[p]);
    }

    [Fact]
    public void Plan_for_60000_has_54000_plus_3000_and_golden_ends()
    {
        var meta = Meta();
        var plan = ArtificialMixtures.Plan(60000, 0.1, 91);
        Assert.Equal(57000, plan.Count);
        Assert.Equal(54000, plan.MixtureStart);
        Assert.Equal(3000, plan.MixtureCount);
        Assert.Equal(meta.GetProperty("n60000_head").EnumerateArray().Select(e => e.GetInt32()), plan.Order[..5]);
        // The tail of perm is the partner of the last mixtures.
        Assert.Equal(meta.GetProperty("n60000_tail").EnumerateArray().Select(e => e.GetInt32()), plan.Partner[^3..]);
    }

    [Fact]
    public void Len_aug_is_made_even_and_zero_rate_keeps_source_order()
    {
        Assert.Equal(2, ArtificialMixtures.AugmentedLength(35, 0.1));
        Assert.Equal(4, ArtificialMixtures.AugmentedLength(50, 0.1));
        var plan = ArtificialMixtures.Plan(7, 0, 91);
        Assert.Equal(Enumerable.Range(0, 7), plan.Order);
        Assert.Equal(0, plan.MixtureCount);
    }

    [Fact]
    public void Six_mnist10k_items_equal_golden_bit_for_bit()
    {
        var golden = Npy.ReadFile<float>(RepoPaths.Golden("artificial_label", "mnist10k_items.npy"));
        Assert.Equal([6L, 28L, 28L], golden.Shape);
        var source = DatasetResolver.Read(DatasetResolver.MnistSampleAlias);
        var prepared = PreparedDatasetBuilder.Build(source, new PrepareOptions(new CorruptionSettings(0.1, 0, 0, 91), new SplitSettings()));
        Assert.Equal(9500, prepared.Count);
        var items = Meta().GetProperty("mnist10k_items").EnumerateArray().ToArray();
        Assert.Equal(6, items.Length);
        for (var k = 0; k < items.Length; k++)
        {
            var position = items[k].GetProperty("position").GetInt32();
            Assert.Equal(items[k].GetProperty("source_idx").GetInt32(), prepared.SourceIndex[position]);
            var partner = items[k].GetProperty("partner_idx");
            Assert.Equal(partner.ValueKind == JsonValueKind.Null ? -1 : partner.GetInt32(), prepared.Partner[position]);
            var isMixture = items[k].GetProperty("label").GetInt32() == 1;
            Assert.Equal(isMixture ? InjectedKind.Mixture : InjectedKind.None, prepared.KindOf(position));
            var expectedBits = golden.Data.AsSpan(k * 784, 784).ToArray().Select(BitConverter.SingleToInt32Bits);
            var actualBits = prepared.Sample(position).ToArray().Select(BitConverter.SingleToInt32Bits);
            Assert.Equal(expectedBits, actualBits);
        }
        Assert.Equal(500, prepared.Injected.Count(k => k == (int)InjectedKind.Mixture));
        Assert.All(Enumerable.Range(9000, 500), p => Assert.Equal(InjectedKind.Mixture, prepared.KindOf(p)));
    }
}
