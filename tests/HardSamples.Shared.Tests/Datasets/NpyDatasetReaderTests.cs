using HardSamples.Shared.Arrays;
using HardSamples.Shared.Datasets;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Datasets;

public class NpyDatasetReaderTests
{
    [Fact]
    public void Reads_uint8_nhw_with_labels_from_a_folder()
    {
        using var dir = new TempDirectory("npy");
        var pixels = TestImages.Pixels(3, 2, 4);
        Npy.WriteFile<byte>(dir.File("images.npy"), pixels, [3, 2, 4]);
        Npy.WriteFile<long>(dir.File("labels.npy"), [2L, 0L, 1L], [3]);
        var ds = DatasetResolver.Read(dir.Path);
        Assert.Equal(("npy", 3, 1, 2, 4), (ds.Kind, ds.Count, ds.Channels, ds.Height, ds.Width));
        Assert.Equal(pixels, ds.Bytes);
        Assert.Equal([2, 0, 1], ds.Labels!);
    }

    [Fact]
    public void Reads_float32_nchw_file_with_explicit_labels()
    {
        using var dir = new TempDirectory("npy");
        var values = Enumerable.Range(0, 2 * 3 * 2 * 2).Select(i => i / 24f).ToArray();
        Npy.WriteFile<float>(dir.File("x.npy"), values, [2, 3, 2, 2]);
        Npy.WriteFile<byte>(dir.File("y.npy"), [1, 1], [2]);
        var ds = DatasetResolver.Read(dir.File("x.npy"), new DatasetReadOptions(LabelsPath: dir.File("y.npy")));
        Assert.Equal((2, 3, 2, 2), (ds.Count, ds.Channels, ds.Height, ds.Width));
        Assert.Equal(PixelType.Float32, ds.PixelType);
        Assert.Equal(values, ds.Floats);
        var unit = new float[12];
        ds.ReadUnit(1, unit);
        Assert.Equal(values[12..], unit);
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        { "int16-images", "unsupported image dtype <i2" },
        { "fortran", "Fortran-ordered" },
        { "rank2", "must have shape [N,H,W] or [N,C,H,W]" },
        { "zero", "zero images" },
        { "label-count", "2 labels for 3 images" },
        { "float-labels", "labels must be integers" },
        { "negative-label", "is negative" },
        { "nan", "non-finite pixel value" },
        { "truncated", "truncated .npy file" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_npy_input_fails_with_a_clear_error(string kind, string message)
    {
        using var dir = new TempDirectory("npy");
        var images = dir.File("images.npy");
        Npy.WriteFile<byte>(images, TestImages.Pixels(3, 2, 2), [3, 2, 2]);
        Npy.WriteFile<int>(dir.File("labels.npy"), [0, 1, 0], [3]);
        switch (kind)
        {
            case "int16-images": Npy.WriteFile<short>(images, new short[12], [3, 2, 2]); break;
            case "fortran":
                var bytes = File.ReadAllBytes(images);
                var text = System.Text.Encoding.Latin1.GetString(bytes).Replace("'fortran_order': False", "'fortran_order': True ");
                File.WriteAllBytes(images, System.Text.Encoding.Latin1.GetBytes(text));
                break;
            case "rank2": Npy.WriteFile<byte>(images, new byte[12], [3, 4]); break;
            case "zero": Npy.WriteFile<byte>(images, [], [0, 2, 2]); break;
            case "label-count": Npy.WriteFile<int>(dir.File("labels.npy"), [0, 1], [2]); break;
            case "float-labels": Npy.WriteFile<float>(dir.File("labels.npy"), [0f, 1f, 0f], [3]); break;
            case "negative-label": Npy.WriteFile<int>(dir.File("labels.npy"), [0, -1, 0], [3]); break;
            case "nan": Npy.WriteFile<float>(images, [.. new float[11], float.NaN], [3, 2, 2]); break;
            case "truncated": File.WriteAllBytes(images, File.ReadAllBytes(images)[..^3]); break;
        }
        var e = Assert.Throws<InvalidDataException>(() => DatasetResolver.Read(dir.Path));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_prepared_dataset_folder_is_not_taken_for_a_source()
    {
        using var dir = new TempDirectory("npy");
        Npy.WriteFile<float>(dir.File("samples.npy"), new float[4], [1, 1, 2, 2]);
        File.WriteAllText(dir.File("manifest.json"), "{}");
        var e = Assert.Throws<InvalidDataException>(() => DatasetResolver.Read(dir.Path));
        Assert.Contains("is a prepared dataset", e.Message);
    }
}
