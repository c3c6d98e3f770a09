namespace HardSamples.Shared.Datasets;

/// <summary>How a source stores its pixels.</summary>
public enum PixelType
{
    /// <summary>uint8 in [0, 255]; unit value = x/255 (torchvision ToTensor).</summary>
    UInt8,
    /// <summary>float32 already in unit scale (nominally [0, 1]).</summary>
    Float32,
}

/// <summary>
/// A validated image set as read from its source (IDX, image folder or .npy): N images of C×H×W in C order,
/// optional integer labels, and where each image came from. Readers build it; preparation normalises it.
/// </summary>
public sealed class SourceDataset
{
    private SourceDataset(string kind, string description, int count, int channels, int height, int width,
        byte[]? bytes, float[]? floats, int[]? labels, int classCount, IReadOnlyList<string>? classNames,
        string[]? sampleNames, string sourceFileName, IReadOnlyList<string> notes)
    {
        if (count <= 0) throw new InvalidDataException($"{description}: the dataset contains zero images.");
        if (channels <= 0 || height <= 0 || width <= 0)
            throw new InvalidDataException($"{description}: invalid image shape {channels}×{height}×{width}.");
        var expected = checked((long)count * channels * height * width);
        var actual = bytes?.LongLength ?? floats!.LongLength;
        if (actual != expected)
            throw new InvalidDataException($"{description}: {actual} pixel values for {count} images of {channels}×{height}×{width} (expected {expected}).");
        if (labels is not null)
        {
            if (labels.Length != count)
                throw new InvalidDataException($"{description}: {labels.Length} labels for {count} images.");
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i] < 0 || labels[i] >= classCount)
                    throw new InvalidDataException($"{description}: label {labels[i]} of sample {i} is outside [0, {classCount}).");
            }
        }
        if (sampleNames is not null && sampleNames.Length != count)
            throw new InvalidDataException($"{description}: {sampleNames.Length} sample names for {count} images.");
        Kind = kind;
        Description = description;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
        Bytes = bytes;
        Floats = floats;
        Labels = labels;
        ClassCount = labels is null ? 0 : classCount;
        ClassNames = classNames;
        SampleNames = sampleNames;
        SourceFileName = sourceFileName;
        Notes = notes;
    }

    /// <summary>A source of uint8 pixels.</summary>
    public static SourceDataset FromBytes(string kind, string description, byte[] pixels, int count, int channels, int height, int width,
        int[]? labels = null, int? classCount = null, IReadOnlyList<string>? classNames = null, string[]? sampleNames = null,
        string? sourceFileName = null, IReadOnlyList<string>? notes = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        return new SourceDataset(kind, description, count, channels, height, width, pixels, null, labels,
            classCount ?? InferClassCount(labels), classNames, sampleNames, sourceFileName ?? description, notes ?? []);
    }

    /// <summary>A source of float32 pixels in unit scale; non-finite values are rejected.</summary>
    public static SourceDataset FromFloats(string kind, string description, float[] pixels, int count, int channels, int height, int width,
        int[]? labels = null, int? classCount = null, IReadOnlyList<string>? classNames = null, string[]? sampleNames = null,
        string? sourceFileName = null, IReadOnlyList<string>? notes = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        for (var i = 0; i < pixels.Length; i++)
        {
            if (!float.IsFinite(pixels[i]))
            {
                var size = (long)channels * height * width;
                throw new InvalidDataException($"{description}: non-finite pixel value {pixels[i]} in sample {(size > 0 ? i / size : 0)}.");
            }
        }
        return new SourceDataset(kind, description, count, channels, height, width, null, pixels, labels,
            classCount ?? InferClassCount(labels), classNames, sampleNames, sourceFileName ?? description, notes ?? []);
    }

    private static int InferClassCount(int[]? labels) => labels is null || labels.Length == 0 ? 0 : labels.Max() + 1;

    /// <summary>Reader kind: <c>idx</c>, <c>image-folder</c> or <c>npy</c>.</summary>
    public string Kind { get; }

    /// <summary>Where it was read from (path or alias), for messages and the manifest.</summary>
    public string Description { get; }

    /// <summary>N.</summary>
    public int Count { get; }

    /// <summary>C.</summary>
    public int Channels { get; }

    /// <summary>H.</summary>
    public int Height { get; }

    /// <summary>W.</summary>
    public int Width { get; }

    /// <summary>Values per image (C·H·W).</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>The pixel storage type.</summary>
    public PixelType PixelType => Bytes is not null ? PixelType.UInt8 : PixelType.Float32;

    /// <summary>uint8 pixels [N,C,H,W] in C order, or null for float sources.</summary>
    public byte[]? Bytes { get; }

    /// <summary>float32 pixels [N,C,H,W] in C order, or null for uint8 sources.</summary>
    public float[]? Floats { get; }

    /// <summary>Labels in [0, <see cref="ClassCount"/>), or null when unlabeled.</summary>
    public int[]? Labels { get; }

    /// <summary>Number of classes (max label + 1, or the class folders); 0 when unlabeled.</summary>
    public int ClassCount { get; }

    /// <summary>Class names by id (image folders), or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Per-sample names (relative file paths for image folders), or null.</summary>
    public string[]? SampleNames { get; }

    /// <summary>The source file name used when samples have no own name (e.g. <c>train-images-idx3-ubyte.gz</c>).</summary>
    public string SourceFileName { get; }

    /// <summary>Non-fatal findings of the reader (e.g. ignored files).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Name of sample <paramref name="index"/>: its file, or <c>{source file}#{index}</c>.</summary>
    public string SampleName(int index) => SampleNames?[index] ?? $"{SourceFileName}#{index}";

    /// <summary>Writes image <paramref name="index"/> in unit scale (uint8 → x/255 in float32, as ToTensor).</summary>
    public void ReadUnit(int index, Span<float> dst)
    {
        var size = ImageSize;
        if (dst.Length != size) throw new ArgumentException($"Destination holds {dst.Length} values; an image has {size}.");
        if (Bytes is not null)
        {
            var src = Bytes.AsSpan(index * size, size);
            for (var i = 0; i < size; i++) dst[i] = src[i] / 255f;
        }
        else
        {
            Floats.AsSpan(index * size, size).CopyTo(dst);
        }
    }
}
