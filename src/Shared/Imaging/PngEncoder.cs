using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace HardSamples.Shared.Imaging;

/// <summary>Encodes 8-bit grayscale or RGB pixels as PNG (no filtering, zlib-compressed IDAT).</summary>
public static class PngEncoder
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>PNG bytes of <paramref name="pixels"/> (row-major, interleaved channels; 1 = gray, 3 = RGB).</summary>
    /// <exception cref="ArgumentException">Size mismatch or unsupported channel count.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentException($"Image size {width}×{height} is not positive.");
        if (channels is not (1 or 3)) throw new ArgumentException($"PNG export supports 1 or 3 channels, not {channels}.", nameof(channels));
        if (pixels.Length != width * height * channels)
            throw new ArgumentException($"{pixels.Length} bytes for a {width}×{height}×{channels} image.", nameof(pixels));
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;                                   // bit depth
        ihdr[9] = (byte)(channels == 1 ? 0 : 2);      // colour type: gray / truecolour
        ihdr[10] = ihdr[11] = ihdr[12] = 0;           // deflate, adaptive filtering, no interlace
        Chunk(png, "IHDR", ihdr);
        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            {
                var stride = width * channels;
                for (var y = 0; y < height; y++)
                {
                    z.WriteByte(0);                    // filter: none
                    z.Write(pixels.Slice(y * stride, stride));
                }
            }
            Chunk(png, "IDAT", raw.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        s.Write(typeBytes);
        s.Write(data);
        var crc = Crc(Crc(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(len, crc);
        s.Write(len);
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }
}
