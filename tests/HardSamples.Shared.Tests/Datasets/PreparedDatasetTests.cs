using System.Text;
using System.Text.Json;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Corruption;
using HardSamples.Shared.Datasets;
using HardSamples.Shared.Datasets.Splits;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Datasets;

public class PreparedDatasetTests
{
    private static SourceDataset Synthetic(int n = 400, int classes = 4) =>
        SourceDataset.FromBytes("npy", "synthetic", TestImages.Pixels(n, 6, 5), n, 1, 6, 5,
            Enumerable.Range(0, n).Select(i => i % classes).ToArray(), sampleNames: Enumerable.Range(0, n).Select(i => $"img,{i}.png").ToArray());

    private static readonly PrepareOptions Options = new(new CorruptionSettings(0.1, 0.05, 0.05, 91), new SplitSettings(91, true, 3, 0.1));

    [Fact]
    public void Build_records_each_injected_kind_with_partner_and_labels()
    {
        var src = Synthetic();
        var ds = PreparedDatasetBuilder.Build(src, Options);
        // n=400: len_aug 40 -> 380 samples, 20 mixtures; 20 duplicates appended; 20 flips.
        Assert.Equal(400, ds.Count);
        Assert.Equal(new Dictionary<string, int> { ["none"] = 340, ["mixture"] = 20, ["label_flip"] = 20, ["near_duplicate"] = 20 }, ds.Manifest.InjectedCounts);
        for (var p = 0; p < ds.Count; p++)
        {
            switch (ds.KindOf(p))
            {
                case InjectedKind.Mixture:
                    Assert.InRange(p, 360, 379);
                    Assert.InRange(ds.Partner[p], 0, 399);
                    Assert.Equal(src.Labels![ds.SourceIndex[p]], ds.LabelsClean![p]);
                    Assert.Equal(ds.LabelsClean[p], ds.Labels![p]);
                    break;
                case InjectedKind.NearDuplicate:
                    Assert.InRange(p, 380, 399);
                    var original = ds.Partner[p];
                    Assert.Equal(InjectedKind.None, ds.KindOf(original));
                    Assert.Equal(ds.SourceIndex[original], ds.SourceIndex[p]);
                    Assert.Equal(ds.Labels![original], ds.Labels[p]);
                    Assert.True(BestShiftDistance(ds, p, original) < 0.03, $"duplicate {p} is not a shifted, slightly noisy copy of {original}");
                    var other = BestShiftDistance(ds, p, (original + 1) % 360); Assert.True(other > 0.1, $"a different sample looks like the duplicate {p}: {other} (orig {original} src {ds.SourceIndex[original]}, other src {ds.SourceIndex[(original + 1) % 360]})");
                    break;
                case InjectedKind.LabelFlip:
                    Assert.NotEqual(ds.LabelsClean![p], ds.Labels![p]);
                    Assert.Equal(-1, ds.Partner[p]);
                    break;
                default:
                    Assert.Equal(ds.LabelsClean![p], ds.Labels![p]);
                    Assert.Equal(-1, ds.Partner[p]);
                    Assert.Equal(src.SampleName(ds.SourceIndex[p]), ds.SourceName[p]);
                    break;
            }
        }
        // Normalised with the MNIST constants, bit for bit: (x/255f − 0.1307f)/0.3081f.
        var first = ds.SourceIndex[0];
        Assert.Equal((src.Bytes![first * 30 + 7] / 255f - 0.1307f) / 0.3081f, ds.Sample(0)[7]);
    }

    /// <summary>Smallest mean |Δ| in unit scale between the duplicate and any ±1-pixel shift of the candidate.</summary>
    private static double BestShiftDistance(PreparedDataset ds, int dup, int candidate)
    {
        static float[] Unit(ReadOnlySpan<float> normalised) => normalised.ToArray().Select(v => v * 0.3081f + 0.1307f).ToArray();
        var a = Unit(ds.Sample(dup));
        var b = Unit(ds.Sample(candidate));
        var best = double.MaxValue;
        var shifted = new float[b.Length];
        for (var dx = -1; dx <= 1; dx++)
        {
            for (var dy = -1; dy <= 1; dy++)
            {
                NearDuplicates.Render(b, shifted, 1, 6, 5, new NearDuplicate(candidate, dx, dy), 0, Mt19937.FromKey(0));
                best = Math.Min(best, a.Zip(shifted, (x, y) => Math.Abs(x - y)).Average());
            }
        }
        return best;
    }

    [Fact]
    public async Task Write_then_load_round_trips_everything_and_verifies_fingerprint()
    {
        var store = new MemoryArtifactStore();
        var ds = PreparedDatasetBuilder.Build(Synthetic(), Options);
        var manifest = await PreparedDatasetStore.WriteAsync(store, "run1/data", ds);
        Assert.Equal("run1/data/manifest.json", store.Names.Last(n => n.EndsWith("manifest.json")));
        Assert.Contains("run1/data/splits/A.npy", store.Names);
        Assert.Contains("run1/data/splits/shard-002.npy", store.Names);
        Assert.Contains("run1/data/splits/test.npy", store.Names);
        Assert.Equal(64, manifest.Fingerprint.Length);

        var loaded = await PreparedDatasetStore.LoadAsync(store, "run1/data");
        Assert.Equal(ds.Samples.Data, loaded.Samples.Data);
        Assert.Equal(ds.Labels, loaded.Labels);
        Assert.Equal(ds.LabelsClean, loaded.LabelsClean);
        Assert.Equal(ds.Injected, loaded.Injected);
        Assert.Equal(ds.Partner, loaded.Partner);
        Assert.Equal(ds.SourceIndex, loaded.SourceIndex);
        Assert.Equal(ds.SourceName, loaded.SourceName); // names contain commas: CSV quoting round trips
        Assert.Equal(ds.Splits.Keys.Order(), loaded.Splits.Keys.Order());
        foreach (var (k, v) in ds.Splits) Assert.Equal(v, loaded.Splits[k]);
        Assert.Equal(manifest.Fingerprint, loaded.Manifest.Fingerprint);
        Assert.Equal(0.1307, loaded.Manifest.Normalization.Mean[0]);
        Assert.Equal(91u, loaded.Manifest.Corruption.Seed);

        // The written files are plain NumPy/CSV.
        var labels = Npy.Read<int>(new MemoryStream(store.Bytes("run1/data/labels.npy")));
        Assert.Equal([400L], labels.Shape);
        var csv = Encoding.UTF8.GetString(store.Bytes("run1/data/provenance.csv")).Split('\n');
        Assert.Equal("sample_id,source_index,source_name,injected,partner", csv[0]);
        using var json = JsonDocument.Parse(store.Bytes("run1/data/manifest.json"));
        Assert.Equal(1, json.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(400, json.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(20, json.RootElement.GetProperty("injectedCounts").GetProperty("near_duplicate").GetInt32());
    }

    [Fact]
    public async Task Same_input_and_seed_give_the_same_fingerprint_other_seed_differs()
    {
        async Task<string> Fingerprint(uint seed)
        {
            var store = new MemoryArtifactStore();
            var ds = PreparedDatasetBuilder.Build(Synthetic(), Options with { Corruption = Options.Corruption with { Seed = seed } });
            return (await PreparedDatasetStore.WriteAsync(store, "", ds)).Fingerprint;
        }
        Assert.Equal(await Fingerprint(91), await Fingerprint(91));
        Assert.NotEqual(await Fingerprint(91), await Fingerprint(92));
    }

    [Fact]
    public async Task Fingerprint_does_not_depend_on_whether_the_store_reports_hashes()
    {
        var ds = PreparedDatasetBuilder.Build(Synthetic(), Options);
        var hashing = await PreparedDatasetStore.WriteAsync(new MemoryArtifactStore(), "", ds);
        var silentStore = new MemoryArtifactStore { ReportHashes = false };
        var silent = await PreparedDatasetStore.WriteAsync(silentStore, "", ds);
        Assert.Equal(hashing.Fingerprint, silent.Fingerprint);
        Assert.Equal(hashing.Files, silent.Files);
        Assert.Equal(ds.Samples.Data, (await PreparedDatasetStore.LoadAsync(silentStore, "")).Samples.Data);
    }

    [Fact]
    public async Task A_failed_write_leaves_no_manifest_and_no_files()
    {
        var store = new MemoryArtifactStore { FailOnWrite = 3 };
        var ds = PreparedDatasetBuilder.Build(Synthetic(), Options);
        await Assert.ThrowsAsync<IOException>(() => PreparedDatasetStore.WriteAsync(store, "p", ds));
        Assert.Empty(store.Names);
        Assert.Null(await PreparedDatasetStore.TryReadManifestAsync(store, "p"));
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => PreparedDatasetStore.LoadAsync(store, "p"));
        Assert.Contains("manifest.json is missing", e.Message);
    }

    [Fact]
    public async Task Manifest_is_written_last()
    {
        var store = new MemoryArtifactStore();
        var ds = PreparedDatasetBuilder.Build(Synthetic(), Options);
        var fileCount = 0;
        // Fail exactly on the last write: every data file went through, the manifest did not.
        await PreparedDatasetStore.WriteAsync(new MemoryArtifactStore(), "", ds);
        fileCount = ds.Manifest.Files.Count;
        store.FailOnWrite = fileCount;
        await Assert.ThrowsAsync<IOException>(() => PreparedDatasetStore.WriteAsync(store, "", ds));
        Assert.Empty(store.Names);
        Assert.Equal(fileCount + 1, store.Writes);
    }

    [Fact]
    public async Task Tampered_file_or_existing_output_is_detected()
    {
        var store = new MemoryArtifactStore();
        var ds = PreparedDatasetBuilder.Build(Synthetic(), Options);
        await PreparedDatasetStore.WriteAsync(store, "", ds);
        var io = await Assert.ThrowsAsync<IOException>(() => PreparedDatasetStore.WriteAsync(store, "", ds));
        Assert.Contains("already holds", io.Message);
        await PreparedDatasetStore.WriteAsync(store, "", ds, overwrite: true);

        var bytes = store.Bytes("labels.npy");
        bytes[^1] ^= 1;
        store.Replace("labels.npy", bytes);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => PreparedDatasetStore.LoadAsync(store, ""));
        Assert.Contains("content changed", e.Message);
    }

    [Fact]
    public void Unlabeled_source_has_no_labels_and_rejects_flips()
    {
        var src = SourceDataset.FromBytes("npy", "u", TestImages.Pixels(50, 2, 2), 50, 1, 2, 2);
        var ds = PreparedDatasetBuilder.Build(src, new PrepareOptions(new CorruptionSettings(0.2, 0, 0.1), new SplitSettings()));
        Assert.Null(ds.Labels);
        Assert.False(ds.Manifest.HasLabels);
        Assert.False(ds.Manifest.SplitSettings.Stratified);
        var e = Assert.Throws<ArgumentException>(() => PreparedDatasetBuilder.Build(src, PrepareOptions.Default));
        Assert.Contains("need labels", e.Message);
    }

    [Fact]
    public void Rgb_uses_data_normalisation_by_default_and_custom_constants_apply_bitwise()
    {
        var pixels = TestImages.Pixels(10, 2, 2);
        var rgb = SourceDataset.FromBytes("npy", "rgb", [.. pixels, .. pixels, .. pixels], 10, 3, 2, 2);
        var ds = PreparedDatasetBuilder.Build(rgb, new PrepareOptions(CorruptionSettings.None, new SplitSettings()));
        Assert.Equal("data", ds.Manifest.Normalization.Name);
        Assert.Equal(3, ds.Manifest.Normalization.Mean.Length);
        var custom = PreparedDatasetBuilder.Build(rgb, new PrepareOptions(CorruptionSettings.None, new SplitSettings(), Normalization.Custom([0.5], [0.25])));
        Assert.Equal((rgb.Bytes![5] / 255f - 0.5f) / 0.25f, custom.Samples.Data[5]);
        Assert.Equal(Enumerable.Range(0, 10), custom.SourceIndex);
    }
}
