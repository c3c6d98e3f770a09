using System.Text.Json;
using System.Text.Json.Serialization;
using HardSamples.Shared.Corruption;
using HardSamples.Shared.Datasets.Splits;

namespace HardSamples.Shared.Datasets;

/// <summary>
/// <c>manifest.json</c> of a prepared dataset, written last: its presence marks a complete prepare. The fingerprint
/// is the SHA-256 of the lines <c>"{name}\t{sha256}\n"</c> over <see cref="Files"/> in ordinal name order.
/// </summary>
public sealed record PreparedManifest
{
    /// <summary>The layout version this code writes and reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Layout version.</summary>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>N: prepared samples (after mixtures and duplicates).</summary>
    public required int Count { get; init; }

    /// <summary>C.</summary>
    public required int Channels { get; init; }

    /// <summary>H.</summary>
    public required int Height { get; init; }

    /// <summary>W.</summary>
    public required int Width { get; init; }

    /// <summary>Number of classes (0 when unlabeled).</summary>
    public required int ClassCount { get; init; }

    /// <summary>Whether <c>labels.npy</c> and <c>labels_clean.npy</c> exist.</summary>
    public required bool HasLabels { get; init; }

    /// <summary>Class names (image folders), or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>What was applied to the unit-scale pixels.</summary>
    public required Normalization Normalization { get; init; }

    /// <summary>Content fingerprint (lower-case hex SHA-256; see the type summary).</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Where the data came from.</summary>
    public required PreparedSource Source { get; init; }

    /// <summary>Corruption settings, including the seed.</summary>
    public required CorruptionSettings Corruption { get; init; }

    /// <summary>Samples per injected kind (<c>none</c>, <c>mixture</c>, <c>label_flip</c>, <c>near_duplicate</c>).</summary>
    public required IReadOnlyDictionary<string, int> InjectedCounts { get; init; }

    /// <summary>Split settings.</summary>
    public required SplitSettings SplitSettings { get; init; }

    /// <summary>Split names (files <c>splits/{name}.npy</c>), in ordinal order.</summary>
    public required IReadOnlyList<string> Splits { get; init; }

    /// <summary>Every data file under the prefix with its hash and size.</summary>
    public required IReadOnlyList<PreparedFile> Files { get; init; }

    /// <summary>When the prepare finished (UTC; not part of the fingerprint).</summary>
    public DateTimeOffset CreatedUtc { get; init; }

    /// <summary>JSON options used for the manifest (camelCase, indented).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The fingerprint of a file list.</summary>
    public static string ComputeFingerprint(IEnumerable<PreparedFile> files)
    {
        var text = string.Concat(files.OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => $"{f.Name}\t{f.Sha256}\n"));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
    }
}

/// <summary>The source of a prepared dataset.</summary>
/// <param name="Kind"><c>idx</c>, <c>image-folder</c> or <c>npy</c>.</param>
/// <param name="Description">Path or alias given by the user.</param>
/// <param name="Count">Images in the source.</param>
/// <param name="PixelType"><c>UInt8</c> or <c>Float32</c>.</param>
public sealed record PreparedSource(string Kind, string Description, int Count, string PixelType);

/// <summary>One stored file of a prepared dataset.</summary>
/// <param name="Name">Name relative to the prefix, e.g. <c>splits/A.npy</c>.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of its bytes.</param>
/// <param name="Length">Size in bytes.</param>
public sealed record PreparedFile(string Name, string Sha256, long Length);
