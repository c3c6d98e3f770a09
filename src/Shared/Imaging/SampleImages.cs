namespace HardSamples.Shared.Imaging;

/// <summary>
/// Turns normalised float samples [N,C,H,W] back into 8-bit pixels: x·std + mean per channel, ×255, rounded and
/// clamped (mixtures, being (x₁+x₂)/1.58, can leave [0, 1]). Without normalisation statistics the whole array's
/// min–max range is mapped to 0–255.
/// </summary>
public sealed class SampleImages
{
    private readonly float[] _data;
    private readonly double[] _mean;
    private readonly double[] _std;
    private readonly double _min;
    private readonly double _max;

    /// <summary>Wraps a C-ordered [N,C,H,W] buffer.</summary>
    /// <exception cref="ArgumentException">Shape and buffer disagree, or statistics do not match the channels.</exception>
    public SampleImages(float[] data, int count, int channels, int height, int width, IReadOnlyList<double>? mean, IReadOnlyList<double>? std)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (count < 0 || channels <= 0 || height <= 0 || width <= 0 || (long)count * channels * height * width != data.LongLength)
            throw new ArgumentException($"Samples buffer of {data.Length} values does not match [{count},{channels},{height},{width}].", nameof(data));
        _data = data;
        Count = count; Channels = channels; Height = height; Width = width;
        var hasStats = mean is { Count: > 0 } && std is { Count: > 0 };
        if (hasStats && (mean!.Count is var mc && mc != 1 && mc != channels || std!.Count is var sc && sc != 1 && sc != channels))
            throw new ArgumentException($"Normalisation has {mean.Count} means and {std!.Count} stds for {channels} channels.");
        _mean = hasStats ? Enumerable.Range(0, channels).Select(c => mean![Math.Min(c, mean.Count - 1)]).ToArray() : [];
        _std = hasStats ? Enumerable.Range(0, channels).Select(c => std![Math.Min(c, std.Count - 1)]).ToArray() : [];
        if (!hasStats)
        {
            _min = data.Length == 0 ? 0 : data.Min();
            _max = data.Length == 0 ? 1 : data.Max();
        }
    }

    /// <summary>N.</summary>
    public int Count { get; }
    /// <summary>C.</summary>
    public int Channels { get; }
    /// <summary>H.</summary>
    public int Height { get; }
    /// <summary>W.</summary>
    public int Width { get; }

    /// <summary>Pixels of sample <paramref name="index"/> in PNG order (row-major, channels interleaved; 1 or 3 channels — other counts keep the first channel).</summary>
    public byte[] Pixels(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var outC = OutputChannels;
        var plane = Height * Width;
        var result = new byte[plane * outC];
        var baseOffset = (long)index * Channels * plane;
        for (var c = 0; c < outC; c++)
            for (var p = 0; p < plane; p++)
                result[p * outC + c] = ToByte(_data[baseOffset + c * plane + p], c);
        return result;
    }

    /// <summary>Channels written by <see cref="Pixels"/>: 3 for RGB inputs, else 1.</summary>
    public int OutputChannels => Channels == 3 ? 3 : 1;

    /// <summary>Planar uint8 [C,H,W] of a sample (for IDX export; all channels).</summary>
    public byte[] Planar(int index)
    {
        var plane = Height * Width;
        var result = new byte[Channels * plane];
        var baseOffset = (long)index * Channels * plane;
        for (var c = 0; c < Channels; c++)
            for (var p = 0; p < plane; p++)
                result[c * plane + p] = ToByte(_data[baseOffset + c * plane + p], c);
        return result;
    }

    /// <summary>PNG of a sample, enlarged by an integer <paramref name="scale"/> (nearest neighbour).</summary>
    public byte[] Png(int index, int scale = 1)
    {
        if (scale < 1) throw new ArgumentOutOfRangeException(nameof(scale), scale, "Scale must be at least 1.");
        var px = Pixels(index);
        if (scale == 1) return PngEncoder.Encode(px, Width, Height, OutputChannels);
        int w = Width * scale, h = Height * scale, c = OutputChannels;
        var big = new byte[w * h * c];
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
                for (var k = 0; k < c; k++)
                    big[(y * w + x) * c + k] = px[((y / scale) * Width + x / scale) * c + k];
        return PngEncoder.Encode(big, w, h, c);
    }

    private byte ToByte(float v, int channel)
    {
        var unit = _mean.Length > 0 ? v * _std[channel] + _mean[channel] : _max > _min ? (v - _min) / (_max - _min) : 0;
        var b = Math.Round(unit * 255.0);
        return (byte)Math.Clamp(double.IsNaN(b) ? 0 : b, 0, 255);
    }
}
