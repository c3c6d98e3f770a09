namespace HardSamples.Workflow.Steps;

/// <summary>Reads, validates, corrupts, splits and shards a dataset into the prepared-dataset layout.</summary>
public interface IDatasetStep
{
    /// <summary>Prepares the dataset under <see cref="PrepareDatasetInput.Prefix"/> and describes it.</summary>
    Task<PreparedDatasetRef> PrepareAsync(PrepareDatasetInput input, CancellationToken cancellationToken);
}
