namespace HardSamples.GpuRunner.Tests.Support;

/// <summary>An <see cref="IProgress{T}"/> that runs its handler synchronously on the reporting thread.</summary>
public sealed class SyncProgress(Action<ProbeProgress> handler) : IProgress<ProbeProgress>
{
    public void Report(ProbeProgress value) => handler(value);
}

/// <summary>Torch state is process-global: tests that train run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "torch";
}
