using System.Buffers.Binary;
using System.IO.Compression;
using SkiaSharp;

namespace HardSamples.Shared.Tests.Datasets;

/// <summary>Builders of small synthetic inputs: IDX files and PNG/JPEG images.</summary>
internal static class TestImages
{
    /// <summary>Deterministic pixel pattern for image i.</summary>
    public static byte[] Pixels(int count, int height, int width, int seed = 0)
    {
        var data = new byte[count * height * width];
        new Random(seed + 12345).NextBytes(data);
        return data;
    }

    public static byte[] IdxImages(byte[] pixels, int count, int height, int width, byte[]? magic = null)
    {
        var data = new byte[16 + pixels.Length];
        (magic ?? [0, 0, 8, 3]).CopyTo(data, 0);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(8), height);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(12), width);
        pixels.CopyTo(data, 16);
        return data;
    }

    public static byte[] IdxLabels(byte[] labels)
    {
        var data = new byte[8 + labels.Length];
        new byte[] { 0, 0, 8, 1 }.CopyTo(data, 0);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), labels.Length);
        labels.CopyTo(data, 8);
        return data;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }

    /// <summary>Writes an image whose pixel (x, y) is <paramref name="color"/>(x, y).</summary>
    public static void Write(string path, int width, int height, Func<int, int, SKColor> color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++) bitmap.SetPixel(x, y, color(x, y));
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var encoded = image.Encode(format, 100);
        File.WriteAllBytes(path, encoded.ToArray());
    }

    public static SKColor Gray(byte v) => new(v, v, v);
}
