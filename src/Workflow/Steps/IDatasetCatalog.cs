namespace HardSamples.Workflow.Steps;

/// <summary>Answers whether a dataset reference can be prepared, before a run is scheduled.</summary>
public interface IDatasetCatalog
{
    /// <summary>Null when <paramref name="reference"/> names an available dataset; otherwise a readable reason.</summary>
    Task<string?> CheckAsync(string reference, CancellationToken cancellationToken = default);
}
