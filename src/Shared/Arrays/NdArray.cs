namespace HardSamples.Shared.Arrays;

/// <summary>A dense, C-ordered n-dimensional array: a flat buffer plus its shape.</summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class NdArray<T> where T : unmanaged
{
    /// <summary>Wraps <paramref name="data"/>; its length must equal the product of <paramref name="shape"/>.</summary>
    public NdArray(T[] data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"Negative dimension {d} in shape ({string.Join(", ", shape)}).", nameof(shape));
            count = checked(count * d);
        }
        if (count != data.LongLength)
            throw new ArgumentException($"Shape ({string.Join(", ", shape)}) holds {count} elements but the buffer has {data.LongLength}.", nameof(shape));
        Data = data;
        Shape = (long[])shape.Clone();
    }

    /// <summary>Elements in C order.</summary>
    public T[] Data { get; }

    /// <summary>Dimensions, outermost first.</summary>
    public long[] Shape { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Length;

    /// <summary>Size of dimension <paramref name="axis"/> as an int (throws when it does not fit).</summary>
    public int Dim(int axis) => checked((int)Shape[axis]);

    /// <summary>Throws <see cref="InvalidDataException"/> unless the array has <paramref name="rank"/> dimensions.</summary>
    public NdArray<T> RequireRank(int rank, string what)
    {
        if (Rank != rank)
            throw new InvalidDataException($"{what}: expected {rank} dimensions, got shape ({string.Join(", ", Shape)}).");
        return this;
    }

    /// <summary>Shape as text, NumPy style.</summary>
    public string ShapeText => "(" + string.Join(", ", Shape) + (Shape.Length == 1 ? ",)" : ")");
}
