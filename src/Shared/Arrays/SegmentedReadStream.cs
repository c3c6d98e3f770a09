using System.Buffers;
using System.Runtime.InteropServices;

namespace HardSamples.Shared.Arrays;

/// <summary>A forward-only, seekable read stream over consecutive memory segments (no copying).</summary>
internal sealed class SegmentedReadStream(IReadOnlyList<ReadOnlyMemory<byte>> segments) : Stream
{
    private readonly long _length = segments.Sum(s => (long)s.Length);
    private long _position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        long start = 0;
        foreach (var segment in segments)
        {
            if (written == buffer.Length) break;
            var end = start + segment.Length;
            if (_position < end)
            {
                var from = (int)(_position - start);
                var n = Math.Min(segment.Length - from, buffer.Length - written);
                segment.Span.Slice(from, n).CopyTo(buffer[written..]);
                written += n;
                _position += n;
            }
            start = end;
        }
        return written;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Exposes an unmanaged-element array as <see cref="Memory{T}"/> of its bytes without copying.</summary>
internal sealed class ArrayBytesMemory<T>(T[] array) : MemoryManager<byte> where T : unmanaged
{
    private GCHandle _handle;

    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(array.AsSpan());

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        if (!_handle.IsAllocated) _handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        var ptr = (byte*)_handle.AddrOfPinnedObject() + elementIndex;
        return new MemoryHandle(ptr, default, this);
    }

    public override void Unpin()
    {
        if (_handle.IsAllocated) _handle.Free();
    }

    protected override void Dispose(bool disposing) => Unpin();
}
