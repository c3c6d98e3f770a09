using HardSamples.Shared.Datasets;
using HardSamples.Shared.Storage;

namespace HardSamples.Workflow.Steps;

/// <summary>
/// Checks dataset references: aliases must be installed here, <c>datasets/NAME</c> must exist in the datasets store,
/// and local paths are accepted only where <paramref name="allowLocalPaths"/> (the CLI).
/// </summary>
public sealed class DatasetCatalog(IArtifactStore? datasets, bool allowLocalPaths) : IDatasetCatalog
{
    /// <inheritdoc />
    public async Task<string?> CheckAsync(string reference, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reference)) return "The dataset reference is empty.";
        var parsed = DatasetReference.Parse(reference);
        switch (parsed.Kind)
        {
            case DatasetReferenceKind.Alias:
                var dir = AliasDirectory(parsed.Value);
                return Directory.Exists(dir) ? null : $"Dataset '{reference}' is not installed here ('{dir}' is missing).";
            case DatasetReferenceKind.Blob:
                if (datasets is null) return $"Dataset '{reference}': no datasets container is configured.";
                try
                {
                    ArtifactName.Validate(parsed.Value);
                }
                catch (ArgumentException e)
                {
                    return $"Dataset '{reference}' is not a valid blob name: {e.Message}";
                }
                return await datasets.ExistsAsync(parsed.Value, cancellationToken)
                    ? null
                    : $"Unknown dataset '{reference}': no such blob in the datasets container.";
            default:
                if (!allowLocalPaths)
                    return $"Unknown dataset '{reference}': use one of {string.Join(", ", DatasetReference.Aliases)} or datasets/NAME.";
                return File.Exists(parsed.Value) || Directory.Exists(parsed.Value) ? null : $"Dataset path '{reference}' does not exist.";
        }
    }

    /// <summary>Where an alias's files are: the bundled sample beside the assemblies, or Debian's Fashion-MNIST.</summary>
    public static string AliasDirectory(string alias) => alias switch
    {
        DatasetResolver.MnistSampleAlias => DatasetResolver.MnistSampleDirectory,
        DatasetResolver.FashionMnistAlias => DatasetResolver.FashionMnistDirectory,
        _ => throw new ArgumentException($"Unknown dataset alias '{alias}'.", nameof(alias)),
    };
}
