namespace HardSamples.Workflow.Steps;

/// <summary>Where a dataset reference points.</summary>
public enum DatasetReferenceKind
{
    /// <summary>A bundled or system dataset alias (<c>mnist-sample</c>, <c>fashion-mnist</c>).</summary>
    Alias,
    /// <summary>A blob in the <c>datasets</c> container: <c>datasets/NAME</c>.</summary>
    Blob,
    /// <summary>A local file or folder (CLI only).</summary>
    LocalPath,
}

/// <summary>A parsed <see cref="RunRequest.Dataset"/> value.</summary>
/// <param name="Kind">What it names.</param>
/// <param name="Value">Alias, blob name (without <c>datasets/</c>) or path.</param>
public sealed record DatasetReference(DatasetReferenceKind Kind, string Value)
{
    /// <summary>Known aliases.</summary>
    public static readonly IReadOnlyList<string> Aliases = [Shared.Datasets.DatasetResolver.MnistSampleAlias, Shared.Datasets.DatasetResolver.FashionMnistAlias];

    /// <summary>The prefix of blob references.</summary>
    public const string BlobPrefix = "datasets/";

    /// <summary>Parses a reference: an alias, <c>datasets/NAME</c>, or anything else as a local path.</summary>
    public static DatasetReference Parse(string reference)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        if (Aliases.Contains(reference)) return new DatasetReference(DatasetReferenceKind.Alias, reference);
        if (reference.StartsWith(BlobPrefix, StringComparison.Ordinal) && reference.Length > BlobPrefix.Length)
            return new DatasetReference(DatasetReferenceKind.Blob, reference[BlobPrefix.Length..]);
        return new DatasetReference(DatasetReferenceKind.LocalPath, reference);
    }
}
