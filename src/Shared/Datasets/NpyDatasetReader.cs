using HardSamples.Shared.Arrays;

namespace HardSamples.Shared.Datasets;

/// <summary>
/// Reads images from a .npy file: uint8 (0–255) or float32 (unit scale) with shape [N,H,W] (one channel) or
/// [N,C,H,W]; labels from an optional 1-D integer .npy of length N.
/// </summary>
public static class NpyDatasetReader
{
    /// <summary>Reads and validates the images (and labels when <paramref name="labelsPath"/> is given).</summary>
    public static SourceDataset Read(string imagesPath, string? labelsPath, string? description = null)
    {
        if (!File.Exists(imagesPath)) throw new FileNotFoundException($"Images file '{imagesPath}' does not exist.", imagesPath);
        NpyHeader header;
        using (var stream = File.OpenRead(imagesPath))
        {
            header = Npy.ReadHeader(stream, imagesPath);
        }
        if (header.DType is not (NpyDType.UInt8 or NpyDType.Float32))
            throw new InvalidDataException($"{imagesPath}: unsupported image dtype {Npy.Descr(header.DType)}; images must be uint8 or float32.");
        var shape = header.Shape;
        if (shape.Length is not (3 or 4))
            throw new InvalidDataException($"{imagesPath}: images must have shape [N,H,W] or [N,C,H,W]; got ({string.Join(", ", shape)}).");
        if (shape[0] == 0) throw new InvalidDataException($"{imagesPath}: the array contains zero images.");
        var count = checked((int)shape[0]);
        var channels = shape.Length == 4 ? checked((int)shape[1]) : 1;
        var height = checked((int)shape[^2]);
        var width = checked((int)shape[^1]);
        if (channels is < 1 or > 4 || height == 0 || width == 0)
            throw new InvalidDataException($"{imagesPath}: implausible image shape {channels}×{height}×{width} (channels must be 1–4).");
        int[]? labels = ReadLabels(labelsPath, count);
        var name = Path.GetFileName(imagesPath);
        return header.DType == NpyDType.UInt8
            ? SourceDataset.FromBytes("npy", description ?? imagesPath, Npy.ReadFile<byte>(imagesPath).Data, count, channels, height, width, labels, sourceFileName: name)
            : SourceDataset.FromFloats("npy", description ?? imagesPath, Npy.ReadFile<float>(imagesPath).Data, count, channels, height, width, labels, sourceFileName: name);
    }

    private static int[]? ReadLabels(string? path, int count)
    {
        if (path is null) return null;
        if (!File.Exists(path)) throw new FileNotFoundException($"Labels file '{path}' does not exist.", path);
        NpyHeader header;
        using (var stream = File.OpenRead(path))
        {
            header = Npy.ReadHeader(stream, path);
        }
        if (header.DType is NpyDType.Float32 or NpyDType.Float64 or NpyDType.Bool)
            throw new InvalidDataException($"{path}: unsupported label dtype {Npy.Descr(header.DType)}; labels must be integers.");
        if (header.Shape.Length != 1)
            throw new InvalidDataException($"{path}: labels must be 1-D; got shape ({string.Join(", ", header.Shape)}).");
        if (header.Shape[0] != count)
            throw new InvalidDataException($"{path}: {header.Shape[0]} labels for {count} images.");
        int[] labels;
        try
        {
            labels = Npy.ReadFile<int>(path).Data;
        }
        catch (OverflowException e)
        {
            throw new InvalidDataException($"{path}: a label does not fit in int32.", e);
        }
        var negative = Array.FindIndex(labels, l => l < 0);
        if (negative >= 0) throw new InvalidDataException($"{path}: label {labels[negative]} of sample {negative} is negative.");
        return labels;
    }
}
