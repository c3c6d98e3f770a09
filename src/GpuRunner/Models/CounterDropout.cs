using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using HardSamples.GpuRunner.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace HardSamples.GpuRunner.Models;

/// <summary>
/// Inverted dropout (<c>nn.Dropout(p)</c> semantics: zero each element with probability p in training, scale the rest
/// by 1/(1−p); identity in eval mode) whose Bernoulli masks come from a counter-based hash (SplitMix64 of
/// seed, call number and element index) instead of torch's CPU generator, which costs ~15 ns per element here and was
/// 14 % of an autoencoder epoch. The call counter is a module buffer, so it is saved and restored with the model and a
/// resumed job draws the same masks as an uninterrupted one.
/// </summary>
public sealed class CounterDropout : nn.Module<Tensor, Tensor>
{
    private readonly double probability;
    private readonly ulong key;
    private readonly Tensor calls;

    /// <summary>Creates the layer; <paramref name="streamKey"/> separates layers that share a seed.</summary>
    public CounterDropout(double probability, long streamKey) : base(nameof(CounterDropout))
    {
        if (probability is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(probability), "Dropout probability must be in [0, 1).");
        this.probability = probability;
        key = (ulong)streamKey;
        calls = torch.zeros(1, ScalarType.Int64);
        register_buffer("calls", calls);
    }

    /// <summary>Seed mixed into every mask (set once per job; default 0).</summary>
    public long Seed { get; set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        if (!training || probability == 0) return x.alias();
        var call = calls.item<long>();
        calls.add_(1);
        var shape = x.shape;
        var channelsLast = x.dim() == 4 && !x.is_contiguous() && x.stride(1) == 1;
        using var scope = NewDisposeScope();
        // The mask is written straight into a tensor from libtorch's allocator (no managed buffer, no copy).
        var m = torch.empty(channelsLast ? [shape[0], shape[2], shape[3], shape[1]] : shape, ScalarType.Float32);
        unsafe { Fill(new Span<float>((void*)NativeData(m.Handle), checked((int)m.numel())), Mix((ulong)Seed, key, (ulong)call)); }
        if (channelsLast) m = m.permute(0, 3, 1, 2);
        return (x * m.to(x.device)).MoveToOuterDisposeScope();
    }

    private void Fill(Span<float> mask, ulong stream)
    {
        var keep = (float)(1.0 / (1.0 - probability));
        // Compare the top 24 bits of each hash with p·2^24 (a uniform draw in [0, 1) at float resolution).
        var threshold = (uint)Math.Round(probability * (1 << 24));
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // 16 masks per step, the same values as the scalar loop below (element i depends only on stream + i).
            var lanes = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
            var keepBits = Vector512.Create(keep);
            var limit = Vector512.Create((ulong)threshold);
            for (; i <= mask.Length - 16; i += 16)
            {
                var lower = Vector512.GreaterThanOrEqual(NextLanes(lanes + Vector512.Create(stream + (ulong)i)) >>> 40, limit);
                var upper = Vector512.GreaterThanOrEqual(NextLanes(lanes + Vector512.Create(stream + (ulong)i + 8)) >>> 40, limit);
                var selected = Vector512.Narrow(lower, upper).AsSingle() & keepBits;
                selected.CopyTo(mask.Slice(i, 16));
            }
        }
        for (; i < mask.Length; i++)
            mask[i] = (uint)(SplitMix.Next(stream + (ulong)i) >> 40) >= threshold ? keep : 0f;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> NextLanes(Vector512<ulong> z)
    {
        // SplitMix.Next on 8 lanes.
        z += Vector512.Create(SplitMix.Increment);
        z = (z ^ (z >>> 30)) * Vector512.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ (z >>> 27)) * Vector512.Create(0x94D049BB133111EBUL);
        return z ^ (z >>> 31);
    }

    // TorchSharp's own entry point for a tensor's data pointer (what its TensorAccessor uses).
    [System.Runtime.InteropServices.DllImport("LibTorchSharp", EntryPoint = "THSTensor_data")]
    private static extern IntPtr NativeData(IntPtr tensor);

    private static ulong Mix(ulong a, ulong b, ulong c) => SplitMix.Next(SplitMix.Next(SplitMix.Next(a) ^ b) ^ c) * SplitMix.Increment;
}
