using HardSamples.Shared.Datasets;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Datasets;

public class IdxReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Round_trips_images_and_labels_raw_or_gzip(bool gzip)
    {
        using var dir = new TempDirectory("idx");
        var pixels = TestImages.Pixels(5, 4, 3);
        byte[] labels = [3, 1, 4, 1, 5];
        var suffix = gzip ? ".gz" : "";
        File.WriteAllBytes(dir.File("train-images-idx3-ubyte" + suffix), Maybe(TestImages.IdxImages(pixels, 5, 4, 3), gzip));
        File.WriteAllBytes(dir.File("train-labels-idx1-ubyte" + suffix), Maybe(TestImages.IdxLabels(labels), gzip));
        var ds = DatasetResolver.Read(dir.Path);
        Assert.Equal("idx", ds.Kind);
        Assert.Equal((5, 1, 4, 3), (ds.Count, ds.Channels, ds.Height, ds.Width));
        Assert.Equal(pixels, ds.Bytes);
        Assert.Equal(labels.Select(b => (int)b), ds.Labels!);
        Assert.Equal(6, ds.ClassCount);
        Assert.Equal($"train-images-idx3-ubyte{suffix}#2", ds.SampleName(2));
    }

    [Fact]
    public void Reads_the_bundled_sample()
    {
        var ds = DatasetResolver.Read(DatasetResolver.MnistSampleAlias);
        Assert.Equal((10000, 1, 28, 28), (ds.Count, ds.Channels, ds.Height, ds.Width));
        Assert.Equal(10, ds.ClassCount);
        // MNIST t10k label counts (the published histogram).
        Assert.Equal(new[] { 980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009 },
            Enumerable.Range(0, 10).Select(c => ds.Labels!.Count(l => l == c)));
    }

    [Fact]
    public void Images_without_labels_file_are_unlabeled()
    {
        using var dir = new TempDirectory("idx");
        File.WriteAllBytes(dir.File("t10k-images-idx3-ubyte"), TestImages.IdxImages(TestImages.Pixels(2, 2, 2), 2, 2, 2));
        var ds = DatasetResolver.Read(dir.Path);
        Assert.Null(ds.Labels);
        Assert.Equal(0, ds.ClassCount);
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        { "truncated", "truncated IDX file" },
        { "truncated-gz", "truncated IDX file" },
        { "header-only", "truncated IDX header" },
        { "wrong-magic", "bad magic" },
        { "labels-as-images", "expected an images file" },
        { "label-count", "3 labels for 4 images" },
        { "zero-images", "zero images" },
        { "trailing", "unexpected trailing bytes" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_idx_input_fails_with_a_clear_error(string kind, string message)
    {
        using var dir = new TempDirectory("idx");
        var images = TestImages.IdxImages(TestImages.Pixels(4, 3, 3), 4, 3, 3);
        var labels = TestImages.IdxLabels([0, 1, 2, 3]);
        var imagesName = "train-images-idx3-ubyte";
        switch (kind)
        {
            case "truncated": images = images[..^5]; break;
            case "truncated-gz": images = TestImages.Gzip(images)[..^30]; imagesName += ".gz"; break;
            case "header-only": images = images[..10]; break;
            case "wrong-magic": images[2] = 0x09; images[0] = 1; break;
            case "labels-as-images": images = TestImages.IdxLabels([1, 2]); break;
            case "label-count": labels = TestImages.IdxLabels([0, 1, 2]); break;
            case "zero-images": images = TestImages.IdxImages([], 0, 3, 3); break;
            case "trailing": images = [.. images, 1, 2]; break;
        }
        File.WriteAllBytes(dir.File(imagesName), images);
        File.WriteAllBytes(dir.File("train-labels-idx1-ubyte"), labels);
        var e = Assert.Throws<InvalidDataException>(() => DatasetResolver.Read(dir.Path));
        Assert.Contains(message, e.Message);
        Assert.Contains("train-", e.Message); // names the file
    }

    private static byte[] Maybe(byte[] data, bool gzip) => gzip ? TestImages.Gzip(data) : data;
}
