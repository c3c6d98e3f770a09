using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace HardSamples.Shared.Arrays;

/// <summary>NumPy element types this project reads and writes.</summary>
public enum NpyDType
{
    /// <summary>bool (<c>|b1</c>).</summary>
    Bool,
    /// <summary>uint8 (<c>|u1</c>).</summary>
    UInt8,
    /// <summary>int8 (<c>|i1</c>).</summary>
    Int8,
    /// <summary>int16 (<c>&lt;i2</c>).</summary>
    Int16,
    /// <summary>uint16 (<c>&lt;u2</c>).</summary>
    UInt16,
    /// <summary>int32 (<c>&lt;i4</c>).</summary>
    Int32,
    /// <summary>uint32 (<c>&lt;u4</c>).</summary>
    UInt32,
    /// <summary>int64 (<c>&lt;i8</c>).</summary>
    Int64,
    /// <summary>float32 (<c>&lt;f4</c>).</summary>
    Float32,
    /// <summary>float64 (<c>&lt;f8</c>).</summary>
    Float64,
}

/// <summary>The parsed header of a .npy file.</summary>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions.</param>
/// <param name="DataOffset">Byte offset of the data from the start of the file.</param>
public sealed record NpyHeader(NpyDType DType, long[] Shape, int DataOffset)
{
    /// <summary>Number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => checked(a * b));

    /// <summary>Bytes per element.</summary>
    public int ItemSize => Npy.ItemSize(DType);
}

/// <summary>
/// Reader and writer for NumPy's .npy format (versions 1.0–3.0, little-endian, C order). Files written here open
/// with <c>np.load</c> as-is. Malformed input raises <see cref="InvalidDataException"/> naming the problem.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Largest header accepted (NumPy's own limit is 10,000 bytes by default).</summary>
    public const int MaxHeaderLength = 1 << 20;

    /// <summary>Bytes per element of <paramref name="dtype"/>.</summary>
    public static int ItemSize(NpyDType dtype) => dtype switch
    {
        NpyDType.Bool or NpyDType.UInt8 or NpyDType.Int8 => 1,
        NpyDType.Int16 or NpyDType.UInt16 => 2,
        NpyDType.Int32 or NpyDType.UInt32 or NpyDType.Float32 => 4,
        NpyDType.Int64 or NpyDType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>The NumPy descr string (<c>&lt;f4</c>, <c>|u1</c>, …).</summary>
    public static string Descr(NpyDType dtype) => dtype switch
    {
        NpyDType.Bool => "|b1",
        NpyDType.UInt8 => "|u1",
        NpyDType.Int8 => "|i1",
        NpyDType.Int16 => "<i2",
        NpyDType.UInt16 => "<u2",
        NpyDType.Int32 => "<i4",
        NpyDType.UInt32 => "<u4",
        NpyDType.Int64 => "<i8",
        NpyDType.Float32 => "<f4",
        NpyDType.Float64 => "<f8",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>The dtype matching a CLR element type.</summary>
    public static NpyDType DTypeOf<T>() where T : unmanaged => typeof(T) switch
    {
        var t when t == typeof(bool) => NpyDType.Bool,
        var t when t == typeof(byte) => NpyDType.UInt8,
        var t when t == typeof(sbyte) => NpyDType.Int8,
        var t when t == typeof(short) => NpyDType.Int16,
        var t when t == typeof(ushort) => NpyDType.UInt16,
        var t when t == typeof(int) => NpyDType.Int32,
        var t when t == typeof(uint) => NpyDType.UInt32,
        var t when t == typeof(long) => NpyDType.Int64,
        var t when t == typeof(float) => NpyDType.Float32,
        var t when t == typeof(double) => NpyDType.Float64,
        _ => throw new NotSupportedException($"Element type {typeof(T).Name} has no .npy dtype here."),
    };

    /// <summary>Reads and validates the header, leaving the stream at the first data byte.</summary>
    public static NpyHeader ReadHeader(Stream stream, string source = ".npy")
    {
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, source, "the magic string");
        if (!prefix[..6].SequenceEqual(Magic))
            throw new InvalidDataException($"{source}: not a .npy file (bad magic; expected \\x93NUMPY).");
        int major = prefix[6];
        int headerLength;
        int offset;
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            ReadExactly(stream, len, source, "the header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
            offset = 10;
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            ReadExactly(stream, len, source, "the header length");
            var l = BinaryPrimitives.ReadUInt32LittleEndian(len);
            if (l > MaxHeaderLength) throw new InvalidDataException($"{source}: header length {l} is implausible.");
            headerLength = (int)l;
            offset = 12;
        }
        else
        {
            throw new InvalidDataException($"{source}: unsupported .npy format version {major}.{prefix[7]}.");
        }
        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, source, "the header");
        var header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        return ParseHeader(header, offset + headerLength, source);
    }

    private static NpyHeader ParseHeader(string header, int dataOffset, string source)
    {
        var descr = DescrRegex().Match(header);
        var fortran = FortranRegex().Match(header);
        var shape = ShapeRegex().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw new InvalidDataException($"{source}: malformed .npy header: {header.Trim()}");
        if (fortran.Groups[1].Value == "True")
            throw new InvalidDataException($"{source}: Fortran-ordered arrays are not supported; save with np.ascontiguousarray(a).");
        var d = descr.Groups[1].Value;
        NpyDType dtype = d switch
        {
            "|b1" or "b1" or "?" or "|?" => NpyDType.Bool,
            "|u1" or "u1" or "<u1" => NpyDType.UInt8,
            "|i1" or "i1" or "<i1" => NpyDType.Int8,
            "<i2" => NpyDType.Int16,
            "<u2" => NpyDType.UInt16,
            "<i4" => NpyDType.Int32,
            "<u4" => NpyDType.UInt32,
            "<i8" => NpyDType.Int64,
            "<f4" => NpyDType.Float32,
            "<f8" => NpyDType.Float64,
            _ => throw new InvalidDataException($"{source}: unsupported dtype '{d}' (supported: bool, uint8, int8, int16, uint16, int32, uint32, int64, float32, float64, little-endian)."),
        };
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parsed = new long[dims.Length];
        for (var i = 0; i < dims.Length; i++)
        {
            var dim = dims[i].TrimEnd('L');
            if (!long.TryParse(dim, NumberStyles.None, CultureInfo.InvariantCulture, out parsed[i]))
                throw new InvalidDataException($"{source}: bad shape entry '{dims[i]}' in .npy header.");
        }
        return new NpyHeader(dtype, parsed, dataOffset);
    }

    /// <summary>Reads a whole array, converting numeric dtypes to <typeparamref name="T"/> (e.g. uint8/float32 → double).</summary>
    /// <exception cref="InvalidDataException">Malformed file, truncated data, or a dtype that cannot convert losslessly enough.</exception>
    public static NdArray<T> Read<T>(Stream stream, string source = ".npy") where T : unmanaged =>
        ReadData<T>(stream, ReadHeader(stream, source), source);

    /// <summary>Reads a whole array whose stored dtype must be exactly <typeparamref name="T"/>'s (no conversion).</summary>
    /// <exception cref="InvalidDataException">Malformed file, truncated data, or another dtype.</exception>
    public static NdArray<T> ReadExact<T>(Stream stream, string source = ".npy") where T : unmanaged
    {
        var header = ReadHeader(stream, source);
        if (header.DType != DTypeOf<T>())
            throw new InvalidDataException($"{source}: dtype {Descr(header.DType)} where {Descr(DTypeOf<T>())} is required.");
        return ReadData<T>(stream, header, source);
    }

    private static NdArray<T> ReadData<T>(Stream stream, NpyHeader header, string source) where T : unmanaged
    {
        var count = header.Count;
        if (count > Array.MaxLength)
            throw new InvalidDataException($"{source}: {count} elements exceed the largest array this reader holds.");
        var target = DTypeOf<T>();
        var what = $"the data ({count * header.ItemSize} bytes for shape ({string.Join(", ", header.Shape)}))";
        if (target == header.DType)
        {
            var same = new T[count];
            ReadExactly(stream, MemoryMarshal.AsBytes(same.AsSpan()), source, what);
            return new NdArray<T>(same, header.Shape);
        }
        var raw = new byte[checked(count * header.ItemSize)];
        ReadExactly(stream, raw, source, what);
        return new NdArray<T>(Convert<T>(raw, header.DType, target, source), header.Shape);
    }

    /// <summary>Reads a .npy file.</summary>
    public static NdArray<T> ReadFile<T>(string path) where T : unmanaged
    {
        using var stream = File.OpenRead(path);
        return Read<T>(stream, path);
    }

    /// <summary>Writes a C-ordered array as .npy version 1.0 (or 2.0 when the header needs it).</summary>
    public static void Write<T>(Stream stream, ReadOnlySpan<T> data, ReadOnlySpan<long> shape) where T : unmanaged
    {
        long count = 1;
        foreach (var d in shape) count = checked(count * d);
        if (count != data.Length)
            throw new ArgumentException($"Shape ({string.Join(", ", shape.ToArray())}) holds {count} elements but {data.Length} were given.");
        stream.Write(HeaderBytes<T>(shape));
        stream.Write(MemoryMarshal.AsBytes(data));
    }

    /// <summary>The complete .npy prefix (magic, version, length, padded header dict) for an array of this shape.</summary>
    public static byte[] HeaderBytes<T>(ReadOnlySpan<long> shape) where T : unmanaged
    {
        var shapeText = shape.Length switch
        {
            0 => "()",
            1 => $"({shape[0]},)",
            _ => "(" + string.Join(", ", shape.ToArray()) + ")",
        };
        var dict = $"{{'descr': '{Descr(DTypeOf<T>())}', 'fortran_order': False, 'shape': {shapeText}, }}";
        var version = dict.Length + 11 > ushort.MaxValue ? 2 : 1;
        var prefixLength = version == 1 ? 10 : 12;
        var total = prefixLength + dict.Length + 1;
        var padded = (total + 63) / 64 * 64;
        var headerText = dict + new string(' ', padded - total) + "\n";
        var result = new byte[padded];
        Magic.CopyTo(result, 0);
        result[6] = (byte)version;
        result[7] = 0;
        if (version == 1)
            BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), (ushort)(padded - prefixLength));
        else
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(8), (uint)(padded - prefixLength));
        Encoding.Latin1.GetBytes(headerText, result.AsSpan(prefixLength));
        return result;
    }

    /// <summary>
    /// A read-only stream of the .npy encoding of <paramref name="data"/> that reads the array in place (no copy),
    /// for handing large arrays to an artifact store. The array must not change while the stream is read.
    /// </summary>
    public static Stream OpenReadStream<T>(T[] data, ReadOnlySpan<long> shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        long count = 1;
        foreach (var d in shape) count = checked(count * d);
        if (count != data.LongLength)
            throw new ArgumentException($"Shape ({string.Join(", ", shape.ToArray())}) holds {count} elements but {data.LongLength} were given.");
        return new SegmentedReadStream([HeaderBytes<T>(shape), new ArrayBytesMemory<T>(data).Memory]);
    }

    /// <summary>A read-only stream of the .npy encoding of <paramref name="array"/> (see <see cref="OpenReadStream{T}(T[], ReadOnlySpan{long})"/>).</summary>
    public static Stream OpenReadStream<T>(NdArray<T> array) where T : unmanaged => OpenReadStream(array.Data, array.Shape);

    /// <summary>Writes an <see cref="NdArray{T}"/>.</summary>
    public static void Write<T>(Stream stream, NdArray<T> array) where T : unmanaged => Write<T>(stream, array.Data, array.Shape);

    /// <summary>Serialises to a byte array.</summary>
    public static byte[] ToBytes<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape) where T : unmanaged
    {
        using var ms = new MemoryStream();
        Write(ms, data, shape);
        return ms.ToArray();
    }

    /// <summary>Writes a .npy file atomically (temp file + rename).</summary>
    public static void WriteFile<T>(string path, ReadOnlySpan<T> data, ReadOnlySpan<long> shape) where T : unmanaged
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                Write(fs, data, shape);
            }
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    private static T[] Convert<T>(byte[] raw, NpyDType from, NpyDType to, string source) where T : unmanaged
    {
        var n = raw.Length / ItemSize(from);
        var values = new double[n];
        var span = raw.AsSpan();
        switch (from)
        {
            case NpyDType.Bool:
            case NpyDType.UInt8: for (var i = 0; i < n; i++) values[i] = span[i]; break;
            case NpyDType.Int8: for (var i = 0; i < n; i++) values[i] = (sbyte)span[i]; break;
            case NpyDType.Int16: { var s = MemoryMarshal.Cast<byte, short>(span); for (var i = 0; i < n; i++) values[i] = s[i]; break; }
            case NpyDType.UInt16: { var s = MemoryMarshal.Cast<byte, ushort>(span); for (var i = 0; i < n; i++) values[i] = s[i]; break; }
            case NpyDType.Int32: { var s = MemoryMarshal.Cast<byte, int>(span); for (var i = 0; i < n; i++) values[i] = s[i]; break; }
            case NpyDType.UInt32: { var s = MemoryMarshal.Cast<byte, uint>(span); for (var i = 0; i < n; i++) values[i] = s[i]; break; }
            case NpyDType.Int64: { var s = MemoryMarshal.Cast<byte, long>(span); for (var i = 0; i < n; i++) values[i] = s[i]; break; }
            case NpyDType.Float32: { var s = MemoryMarshal.Cast<byte, float>(span); for (var i = 0; i < n; i++) values[i] = s[i]; break; }
            case NpyDType.Float64: { var s = MemoryMarshal.Cast<byte, double>(span); s.CopyTo(values); break; }
        }
        var isInteger = to is not (NpyDType.Float32 or NpyDType.Float64);
        if (isInteger && from is NpyDType.Float32 or NpyDType.Float64)
            throw new InvalidDataException($"{source}: holds {Descr(from)} values but integers ({Descr(to)}) are expected.");
        var result = new T[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = to switch
            {
                NpyDType.Float64 => (T)(object)values[i],
                NpyDType.Float32 => (T)(object)(float)values[i],
                NpyDType.Int32 => (T)(object)checked((int)values[i]),
                NpyDType.Int64 => (T)(object)checked((long)values[i]),
                NpyDType.UInt8 => (T)(object)checked((byte)values[i]),
                NpyDType.Bool => (T)(object)(values[i] != 0),
                _ => throw new InvalidDataException($"{source}: cannot convert {Descr(from)} to {Descr(to)}."),
            };
        }
        return result;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string source, string what)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = stream.Read(buffer[total..]);
            if (read == 0)
                throw new InvalidDataException($"{source}: truncated .npy file: ended while reading {what} ({total} of {buffer.Length} bytes).");
            total += read;
        }
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']+)'")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranRegex();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex ShapeRegex();
}
