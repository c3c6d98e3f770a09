using System.IO.Compression;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Imaging;
using HardSamples.Shared.Pruning;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Pruning;

public class ExportTests
{
    [Fact]
    public void Png_has_valid_chunks_crc_and_decodes_to_the_pixels()
    {
        byte[] px = [0, 64, 128, 255, 10, 20];
        var png = PngEncoder.Encode(px, 3, 2, 1);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        // IHDR CRC for a 3×2 8-bit gray image, and IDAT inflates to filter byte + row per row
        var idatStart = 8 + 25;
        var len = (png[idatStart] << 24) | (png[idatStart + 1] << 16) | (png[idatStart + 2] << 8) | png[idatStart + 3];
        Assert.Equal("IDAT"u8.ToArray(), png[(idatStart + 4)..(idatStart + 8)]);
        using var z = new ZLibStream(new MemoryStream(png, idatStart + 8, len), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        z.CopyTo(ms);
        Assert.Equal(new byte[] { 0, 0, 64, 128, 0, 255, 10, 20 }, ms.ToArray());
        Assert.Equal(Crc32(png.AsSpan(12, 17)), BigEndian(png.AsSpan(29, 4)));
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(px, 3, 2, 2));
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(px, 2, 2, 1));
    }

    [Fact]
    public void Denormalisation_restores_the_original_bytes_and_clamps_mixtures()
    {
        var (pixels, _) = SyntheticRun.ReadMnist(2);
        var data = pixels.Select(b => (b / 255f - 0.1307f) / 0.3081f).ToArray();
        var images = new SampleImages(data, 2, 1, 28, 28, [0.1307], [0.3081]);
        Assert.Equal(pixels[..784], images.Pixels(0));
        var mix = data[..784].Zip(data[784..], (a, b) => (a + b) / 1.58f).ToArray();
        var mixed = new SampleImages(mix, 1, 1, 28, 28, [0.1307], [0.3081]).Pixels(0);
        Assert.Contains(mixed, b => b == 255 || b == 0);
        var noStats = new SampleImages([-1f, 0f, 1f, 3f], 1, 1, 2, 2, null, null).Pixels(0);
        Assert.Equal(new byte[] { 0, 64, 128, 255 }, noStats);
    }

    [Fact]
    public void Export_writer_replaces_a_folder_atomically_and_leaves_nothing_on_failure()
    {
        using var dir = new TempDirectory("export");
        var target = dir.File("out");
        ExportWriter.CommitToDirectory([new ExportFile("a.txt", "1"u8.ToArray())], target);
        ExportWriter.CommitToDirectory([new ExportFile("b/c.txt", "2"u8.ToArray())], target);
        Assert.False(File.Exists(Path.Combine(target, "a.txt")));
        Assert.Equal("2", File.ReadAllText(Path.Combine(target, "b", "c.txt")));
        Assert.Throws<ArgumentException>(() => ExportWriter.CommitToDirectory([new ExportFile("x.txt", [1]), new ExportFile("../escape.txt", [1])], target));
        Assert.Equal("2", File.ReadAllText(Path.Combine(target, "b", "c.txt")));
        Assert.False(File.Exists(dir.File("escape.txt")));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Dataset_files_reject_ids_outside_the_dataset()
    {
        var samples = new NdArray<float>(new float[2 * 4], 2, 1, 2, 2);
        var images = new SampleImages(samples.Data, 2, 1, 2, 2, [0.0], [1.0]);
        Assert.Throws<ArgumentException>(() => PruneExport.DatasetFiles([5], samples, null, images, ExportFormat.Npy));
        var idx = PruneExport.DatasetFiles([1], samples, [3, 300], images, ExportFormat.Npy);
        Assert.Contains(idx, f => f.RelativePath == "labels.npy");
        Assert.Throws<ArgumentException>(() => PruneExport.DatasetFiles([0, 1], samples, [3, 300], images, ExportFormat.Idx));
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return crc ^ 0xFFFFFFFFu;
    }

    private static uint BigEndian(ReadOnlySpan<byte> b) => (uint)((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]);
}
