using System.Buffers.Binary;
using System.IO.Compression;

namespace HardSamples.Shared.Datasets;

/// <summary>
/// Reader for the IDX format of MNIST/Fashion-MNIST (raw or gzip): images are <c>idx3-ubyte</c>
/// (magic 0x00000803, N×H×W) and labels <c>idx1-ubyte</c> (magic 0x00000801, N). Sizes are checked exactly.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads an images file into [N,H,W] uint8.</summary>
    /// <exception cref="InvalidDataException">Wrong magic, bad dimensions, truncated or oversized data, zero images.</exception>
    public static (byte[] Pixels, int Count, int Height, int Width) ReadImages(string path)
    {
        var data = ReadAll(path);
        var dims = ParseHeader(data, path, expectedRank: 3);
        var (count, height, width) = (dims[0], dims[1], dims[2]);
        if (count == 0) throw new InvalidDataException($"{path}: the IDX file contains zero images.");
        if (height == 0 || width == 0) throw new InvalidDataException($"{path}: images of {height}×{width} pixels are empty.");
        var pixels = Payload(data, path, 16, checked((long)count * height * width), $"{count} images of {height}×{width}");
        return (pixels, count, height, width);
    }

    /// <summary>Reads a labels file.</summary>
    public static byte[] ReadLabels(string path)
    {
        var data = ReadAll(path);
        var dims = ParseHeader(data, path, expectedRank: 1);
        if (dims[0] == 0) throw new InvalidDataException($"{path}: the IDX label file contains zero labels.");
        return Payload(data, path, 8, dims[0], $"{dims[0]} labels");
    }

    /// <summary>Reads images and, when given, labels; checks that the counts agree.</summary>
    public static SourceDataset Read(string imagesPath, string? labelsPath, string? description = null)
    {
        var (pixels, count, height, width) = ReadImages(imagesPath);
        int[]? labels = null;
        if (labelsPath is not null)
        {
            var raw = ReadLabels(labelsPath);
            if (raw.Length != count)
                throw new InvalidDataException($"{labelsPath}: {raw.Length} labels for {count} images in {imagesPath}.");
            labels = new int[raw.Length];
            for (var i = 0; i < raw.Length; i++) labels[i] = raw[i];
        }
        return SourceDataset.FromBytes("idx", description ?? imagesPath, pixels, count, 1, height, width, labels,
            sourceFileName: Path.GetFileName(imagesPath));
    }

    private static int[] ParseHeader(byte[] data, string path, int expectedRank)
    {
        if (data.Length < 4) throw new InvalidDataException($"{path}: truncated IDX file ({data.Length} bytes, no header).");
        if (data[0] != 0 || data[1] != 0)
            throw new InvalidDataException($"{path}: not an IDX file (bad magic 0x{data[0]:X2}{data[1]:X2}{data[2]:X2}{data[3]:X2}; expected 0x0000080{expectedRank + 0}).");
        if (data[2] != UnsignedByteType)
            throw new InvalidDataException($"{path}: IDX element type 0x{data[2]:X2} is not supported (only unsigned byte, 0x08).");
        if (data[3] != expectedRank)
        {
            var what = expectedRank == 3 ? "an images file (idx3, 3 dimensions)" : "a labels file (idx1, 1 dimension)";
            throw new InvalidDataException($"{path}: IDX file has {data[3]} dimensions; expected {what}.");
        }
        var headerLength = 4 + 4 * expectedRank;
        if (data.Length < headerLength)
            throw new InvalidDataException($"{path}: truncated IDX header ({data.Length} of {headerLength} bytes).");
        var dims = new int[expectedRank];
        for (var i = 0; i < expectedRank; i++)
        {
            var d = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4 + 4 * i));
            if (d > int.MaxValue) throw new InvalidDataException($"{path}: IDX dimension {i} = {d} is implausible.");
            dims[i] = (int)d;
        }
        return dims;
    }

    private static byte[] Payload(byte[] data, string path, int offset, long expected, string what)
    {
        long actual = data.Length - offset;
        if (actual < expected)
            throw new InvalidDataException($"{path}: truncated IDX file: {actual} data bytes for {what} (expected {expected}).");
        if (actual > expected)
            throw new InvalidDataException($"{path}: IDX file has {actual - expected} unexpected trailing bytes after {what}.");
        return offset == 0 ? data : data.AsSpan(offset).ToArray();
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        var isGzip = file.Read(magic) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        file.Position = 0;
        if (!isGzip)
        {
            var raw = new byte[file.Length];
            file.ReadExactly(raw);
            return raw;
        }
        try
        {
            using var gz = new GZipStream(file, CompressionMode.Decompress);
            var estimate = EstimateGzipSize(file);
            using var ms = new MemoryStream(estimate);
            gz.CopyTo(ms, 1 << 20);
            return ms.Length == ms.Capacity ? ms.GetBuffer() : ms.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: corrupt or truncated gzip data ({e.Message}).", e);
        }
    }

    /// <summary>The gzip trailer's ISIZE (uncompressed size mod 2^32), used only as a buffer hint.</summary>
    private static int EstimateGzipSize(FileStream file)
    {
        if (file.Length < 18) return 0;
        var saved = file.Position;
        Span<byte> tail = stackalloc byte[4];
        file.Position = file.Length - 4;
        file.ReadExactly(tail);
        file.Position = saved;
        var size = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        return size is > 0 and < 1u << 30 ? (int)size : 0;
    }
}
