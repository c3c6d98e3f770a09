namespace HardSamples.GpuRunner;

/// <summary>Process-level knobs of a probe run (not part of the job contract).</summary>
public sealed record ProbeRunOptions
{
    /// <summary>Torch intra-op threads (null: libtorch's default, one per core).</summary>
    public int? Threads { get; init; }

    /// <summary>Overrides CUDA detection (tests of the device logic; null = ask torch).</summary>
    public bool? CudaAvailable { get; init; }

    /// <summary>Keep the checkpoint blobs after success (default: delete them once result.json is written).</summary>
    public bool KeepCheckpoint { get; init; }

    /// <summary>Called once the dataset is loaded, just before the probe starts (benchmarks start their clocks here).</summary>
    public Action? OnStarted { get; init; }

    /// <summary>Test hook: called with (phase, epoch, batch) before each loss is checked; return true to make that loss NaN.</summary>
    internal Func<string, int, int, bool>? InjectNonFiniteLoss { get; init; }

    /// <summary>Test hook: called with (phase, epoch, batch, attempt) after each backward pass; return true to make that pass's gradients NaN.</summary>
    internal Func<string, int, int, int, bool>? InjectNonFiniteGradient { get; init; }
}
