namespace HardSamples.Shared.Metrics;

/// <summary>
/// A set of points in float64, row-major <c>[Count, Dimension]</c>. Construction rejects NaN/Inf so every kernel
/// downstream can assume finite input.
/// </summary>
public sealed class PointSet
{
    /// <summary>Wraps <paramref name="data"/> (not copied).</summary>
    /// <exception cref="ArgumentException">Shape does not match the buffer, or a dimension is not positive.</exception>
    /// <exception cref="InvalidDataException">A value is NaN or infinite.</exception>
    public PointSet(double[] data, int count, int dimension)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (count < 0) throw new ArgumentException($"Point count must be non-negative, got {count}.", nameof(count));
        if (dimension <= 0) throw new ArgumentException($"Dimension must be positive, got {dimension}.", nameof(dimension));
        if ((long)count * dimension != data.LongLength)
            throw new ArgumentException($"{count} points × {dimension} dimensions need {(long)count * dimension} values, the buffer has {data.LongLength}.", nameof(data));
        for (var i = 0; i < data.Length; i++)
        {
            if (!double.IsFinite(data[i]))
                throw new InvalidDataException($"Point {i / dimension}, coordinate {i % dimension} is {data[i]}; points must be finite.");
        }
        Data = data;
        Count = count;
        Dimension = dimension;
    }

    /// <summary>Coordinates, row-major.</summary>
    public double[] Data { get; }

    /// <summary>Number of points.</summary>
    public int Count { get; }

    /// <summary>Coordinates per point.</summary>
    public int Dimension { get; }

    /// <summary>The coordinates of point <paramref name="index"/>.</summary>
    public ReadOnlySpan<double> Row(int index) => Data.AsSpan(index * Dimension, Dimension);

    /// <summary>Converts float32 rows to a float64 point set (validating finiteness).</summary>
    public static PointSet FromSingle(ReadOnlySpan<float> data, int count, int dimension)
    {
        if ((long)count * dimension != data.Length)
            throw new ArgumentException($"{count} points × {dimension} dimensions need {(long)count * dimension} values, the buffer has {data.Length}.", nameof(data));
        var copy = new double[data.Length];
        for (var i = 0; i < copy.Length; i++) copy[i] = data[i];
        return new PointSet(copy, count, dimension);
    }

    /// <summary>The points whose indices are listed, in that order.</summary>
    public PointSet Select(ReadOnlySpan<int> indices)
    {
        var copy = new double[indices.Length * Dimension];
        for (var r = 0; r < indices.Length; r++) Row(indices[r]).CopyTo(copy.AsSpan(r * Dimension, Dimension));
        return new PointSet(copy, indices.Length, Dimension);
    }

    /// <summary>Exact Euclidean distance between two points: √Σ(a−b)², summed in coordinate order (as SciPy/scikit-learn do).</summary>
    public double Distance(int a, int b) => EuclideanDistance(Row(a), Row(b));

    /// <summary>Exact Euclidean distance √Σ(a−b)², summed in coordinate order without fused multiply-add.</summary>
    public static double EuclideanDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => Math.Sqrt(SquaredDistance(a, b));

    /// <summary>Σ(a−b)², summed in coordinate order without fused multiply-add.</summary>
    public static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = 0.0;
        for (var d = 0; d < a.Length; d++)
        {
            var t = a[d] - b[d];
            sum += t * t;
        }
        return sum;
    }
}
