namespace HardSamples.Orchestrator.Api;

/// <summary>Limits and names of the HTTP API and the blob start.</summary>
public sealed record ApiOptions
{
    /// <summary>Largest accepted run request body.</summary>
    public int MaxRunRequestBytes { get; init; } = 16 * 1024;

    /// <summary>Largest accepted job completion body.</summary>
    public int MaxCompletionBytes { get; init; } = 256 * 1024;

    /// <summary>The per-sample table.</summary>
    public string SamplesTable { get; init; } = Workflow.Status.SampleRows.TableName;
}
