using HardSamples.Shared.Arrays;
using HardSamples.TestSupport;

namespace HardSamples.Shared.Tests.Arrays;

public class NpyTests
{
    [Fact]
    public void Reads_golden_float32_embeddings_with_numpy_shape_and_values_equal_to_raw_bin()
    {
        var arr = Npy.ReadFile<float>(RepoPaths.Golden("inputs", "emb.npy"));
        Assert.Equal([30L, 2000L, 10L], arr.Shape);
        var raw = File.ReadAllBytes(RepoPaths.Golden("inputs", "emb.bin"));
        var expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).ToArray();
        Assert.Equal(expected, arr.Data);
    }

    [Fact]
    public void Reads_int32_labels_and_converts_to_double()
    {
        var labels = Npy.ReadFile<double>(RepoPaths.Golden("inputs", "label.npy"));
        Assert.Equal([2000L], labels.Shape);
        Assert.Equal(200, labels.Data.Count(v => v == 1.0));
    }

    [Theory]
    [InlineData(new long[] { 3 })]
    [InlineData(new long[] { 2, 3, 4 })]
    [InlineData(new long[] { 0, 5 })]
    public void Round_trips_and_pads_header_to_64_bytes(long[] shape)
    {
        var n = (int)shape.Aggregate(1L, (a, b) => a * b);
        var data = Enumerable.Range(0, n).Select(i => i * 0.5).ToArray();
        var bytes = Npy.ToBytes<double>(data, shape);
        var header = Npy.ReadHeader(new MemoryStream(bytes));
        Assert.Equal(0, header.DataOffset % 64);
        var back = Npy.Read<double>(new MemoryStream(bytes));
        Assert.Equal(shape, back.Shape);
        Assert.Equal(data, back.Data);
    }

    [Fact]
    public void Header_matches_numpy_layout_exactly()
    {
        var bytes = Npy.ToBytes<float>(new float[6], [2, 3]);
        var text = System.Text.Encoding.Latin1.GetString(bytes, 10, bytes.Length - 10 - 24);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", text);
        Assert.EndsWith("\n", text);
        Assert.Equal(128 + 24, bytes.Length); // numpy pads the header to a multiple of 64 bytes
    }

    [Fact]
    public void Rejects_fortran_order_with_a_clear_message()
    {
        var bytes = Npy.ToBytes<float>(new float[6], [2, 3]);
        var s = System.Text.Encoding.Latin1.GetString(bytes).Replace("'fortran_order': False", "'fortran_order': True ");
        var ex = Assert.Throws<InvalidDataException>(() => Npy.Read<float>(new MemoryStream(System.Text.Encoding.Latin1.GetBytes(s))));
        Assert.Contains("Fortran", ex.Message);
    }

    [Fact]
    public void Rejects_unsupported_dtype_truncation_and_bad_magic()
    {
        var bytes = Npy.ToBytes<float>(new float[6], [2, 3]);
        var complex = System.Text.Encoding.Latin1.GetString(bytes).Replace("'<f4'", "'<c8'");
        Assert.Contains("unsupported dtype '<c8'", Assert.Throws<InvalidDataException>(() => Npy.Read<float>(new MemoryStream(System.Text.Encoding.Latin1.GetBytes(complex)))).Message);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Npy.Read<float>(new MemoryStream(bytes[..^4]))).Message);
        var bad = (byte[])bytes.Clone();
        bad[1] = (byte)'X';
        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => Npy.Read<float>(new MemoryStream(bad))).Message);
    }

    [Fact]
    public void Refuses_float_to_integer_conversion()
    {
        var bytes = Npy.ToBytes<float>([1.5f], [1]);
        Assert.Throws<InvalidDataException>(() => Npy.Read<int>(new MemoryStream(bytes)));
    }
}
