namespace HardSamples.GpuRunner.Training;

/// <summary>SplitMix64's constants and output function: the counter-based hash behind the epoch orders and dropout masks.</summary>
internal static class SplitMix
{
    /// <summary>The golden-ratio increment between consecutive states.</summary>
    public const ulong Increment = 0x9E3779B97F4A7C15UL;

    /// <summary>The output (finaliser) function applied to a state.</summary>
    public static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The value for state <paramref name="z"/> + <see cref="Increment"/> (one generator step from z).</summary>
    public static ulong Next(ulong z) => Finalize(z + Increment);
}
