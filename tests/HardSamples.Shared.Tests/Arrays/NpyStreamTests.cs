using HardSamples.Shared.Arrays;

namespace HardSamples.Shared.Tests.Arrays;

public class NpyStreamTests
{
    [Fact]
    public void Open_read_stream_yields_exactly_the_written_bytes_in_any_chunking()
    {
        var data = Enumerable.Range(0, 1000).Select(i => i * 0.25f).ToArray();
        var expected = Npy.ToBytes<float>(data, [10, 100]);
        using var stream = Npy.OpenReadStream(data, [10, 100]);
        Assert.Equal(expected.Length, stream.Length);
        var actual = new List<byte>();
        var buffer = new byte[37];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0) actual.AddRange(buffer[..n]);
        Assert.Equal(expected, actual);
        stream.Position = 0;
        Assert.Equal(data, Npy.Read<float>(stream).Data);
    }

    [Fact]
    public void Open_read_stream_rejects_a_shape_that_does_not_match()
    {
        Assert.Throws<ArgumentException>(() => Npy.OpenReadStream(new int[5], [2, 3]));
    }

    [Fact]
    public void Read_exact_refuses_another_dtype_while_read_converts()
    {
        var bytes = Npy.ToBytes<int>([1, 2, 3], [3]);
        var e = Assert.Throws<InvalidDataException>(() => Npy.ReadExact<float>(new MemoryStream(bytes)));
        Assert.Contains("<i4", e.Message);
        Assert.Equal([1f, 2f, 3f], Npy.Read<float>(new MemoryStream(bytes)).Data);
        Assert.Equal([1, 2, 3], Npy.ReadExact<int>(new MemoryStream(bytes)).Data);
    }
}
