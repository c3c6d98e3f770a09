using HardSamples.Shared.Datasets;
using HardSamples.TestSupport;
using SkiaSharp;

namespace HardSamples.Shared.Tests.Datasets;

public class ImageFolderReaderTests
{
    private static SKColor Pattern(int x, int y, int k) => TestImages.Gray((byte)(x * 10 + y * 3 + k * 40));

    [Fact]
    public void Class_per_subfolder_is_labeled_grayscale_with_exact_pixels()
    {
        using var dir = new TempDirectory("img");
        TestImages.Write(dir.File("cat", "a.png"), 4, 3, (x, y) => Pattern(x, y, 0));
        TestImages.Write(dir.File("cat", "nested", "b.png"), 4, 3, (x, y) => Pattern(x, y, 1));
        TestImages.Write(dir.File("dog", "c.PNG"), 4, 3, (x, y) => Pattern(x, y, 2));
        File.WriteAllText(dir.File("dog", "notes.txt"), "ignored");
        var ds = DatasetResolver.Read(dir.Path);
        Assert.Equal(("image-folder", 3, 1, 3, 4), (ds.Kind, ds.Count, ds.Channels, ds.Height, ds.Width));
        Assert.Equal(["cat", "dog"], ds.ClassNames!);
        Assert.Equal([0, 0, 1], ds.Labels!);
        Assert.Equal(["cat/a.png", "cat/nested/b.png", "dog/c.PNG"], ds.SampleNames!);
        for (var k = 0; k < 3; k++)
        {
            for (var y = 0; y < 3; y++)
            {
                for (var x = 0; x < 4; x++) Assert.Equal(Pattern(x, y, k).Red, ds.Bytes![k * 12 + y * 4 + x]);
            }
        }
        Assert.Contains(ds.Notes, n => n.Contains("1 non-image"));
    }

    [Fact]
    public void Flat_folder_of_colour_images_is_unlabeled_rgb_in_chw_order()
    {
        using var dir = new TempDirectory("img");
        TestImages.Write(dir.File("1.png"), 2, 2, (x, y) => new SKColor(200, (byte)(x * 50), (byte)(y * 90)));
        TestImages.Write(dir.File("2.png"), 2, 2, (_, _) => new SKColor(1, 2, 3));
        var ds = DatasetResolver.Read(dir.Path);
        Assert.Null(ds.Labels);
        Assert.Equal(3, ds.Channels);
        Assert.Equal(new byte[] { 200, 200, 200, 200, 0, 50, 0, 50, 0, 0, 90, 90 }, ds.Bytes![..12]);
        Assert.Equal(new byte[] { 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 }, ds.Bytes![12..]);
        var gray = DatasetResolver.Read(dir.Path, new DatasetReadOptions(Color: ColorMode.Grayscale));
        Assert.Equal(1, gray.Channels);
        Assert.Equal((byte)Math.Round(0.299 * 1 + 0.587 * 2 + 0.114 * 3), gray.Bytes![4]);
    }

    [Fact]
    public void Target_size_resizes_mixed_sizes_and_jpeg_decodes()
    {
        using var dir = new TempDirectory("img");
        TestImages.Write(dir.File("a", "big.png"), 16, 16, (_, _) => TestImages.Gray(128));
        TestImages.Write(dir.File("b", "small.jpg"), 8, 4, (_, _) => TestImages.Gray(128), SKEncodedImageFormat.Jpeg);
        var ds = DatasetResolver.Read(dir.Path, new DatasetReadOptions(TargetSize: ImageSize.Parse("5x6")));
        Assert.Equal((2, 1, 6, 5), (ds.Count, ds.Channels, ds.Height, ds.Width));
        Assert.All(ds.Bytes!, v => Assert.InRange(v, 124, 132));
    }

    [Fact]
    public void Symlink_inside_the_folder_is_accepted()
    {
        using var dir = new TempDirectory("img");
        TestImages.Write(dir.File("x", "a.png"), 2, 2, (_, _) => TestImages.Gray(9));
        Directory.CreateDirectory(dir.File("y"));
        File.CreateSymbolicLink(dir.File("y", "link.png"), dir.File("x", "a.png"));
        var ds = DatasetResolver.Read(dir.Path);
        Assert.Equal(2, ds.Count);
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        { "mixed-sizes", "Mixed image sizes" },
        { "undecodable", "broken.png" },
        { "symlink-file-outside", "outside the input folder" },
        { "symlink-dir-outside", "outside the input folder" },
        { "dangling-symlink", "missing target" },
        { "empty", "zero images" },
        { "mixed-layout", "mixed layout" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_folder_input_fails_with_a_clear_error(string kind, string message)
    {
        using var outside = new TempDirectory("outside");
        using var dir = new TempDirectory("img");
        var root = dir.File("data");
        Directory.CreateDirectory(root);
        TestImages.Write(outside.File("evil.png"), 3, 3, (_, _) => TestImages.Gray(1));
        if (kind != "empty" && kind != "mixed-layout")
            TestImages.Write(Path.Combine(root, "c0", "ok.png"), 3, 3, (_, _) => TestImages.Gray(5));
        switch (kind)
        {
            case "mixed-sizes": TestImages.Write(Path.Combine(root, "c1", "wide.png"), 4, 3, (_, _) => TestImages.Gray(5)); break;
            case "undecodable": File.WriteAllBytes(Path.Combine(root, "c0", "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]); break;
            case "symlink-file-outside": File.CreateSymbolicLink(Path.Combine(root, "c0", "z.png"), outside.File("evil.png")); break;
            case "symlink-dir-outside": Directory.CreateSymbolicLink(Path.Combine(root, "c9"), outside.Path); break;
            case "dangling-symlink": File.CreateSymbolicLink(Path.Combine(root, "c0", "gone.png"), outside.File("nope.png")); break;
            case "mixed-layout":
                TestImages.Write(Path.Combine(root, "top.png"), 3, 3, (_, _) => TestImages.Gray(5));
                TestImages.Write(Path.Combine(root, "c0", "ok.png"), 3, 3, (_, _) => TestImages.Gray(5));
                break;
        }
        var e = Assert.Throws<InvalidDataException>(() => DatasetResolver.Read(root));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("28", 28, 28)]
    [InlineData("32x24", 32, 24)]
    public void Image_size_parses(string text, int w, int h) => Assert.Equal(new ImageSize(w, h), ImageSize.Parse(text));

    [Fact]
    public void Image_size_rejects_garbage() => Assert.Throws<FormatException>(() => ImageSize.Parse("0x3"));
}
