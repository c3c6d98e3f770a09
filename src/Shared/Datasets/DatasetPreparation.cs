using System.Diagnostics;
using HardSamples.Shared.Storage;

namespace HardSamples.Shared.Datasets;

/// <summary>Wall-clock phases of one prepare.</summary>
/// <param name="Read">Reading and validating the source.</param>
/// <param name="Build">Mixing, normalising, injecting and splitting in memory.</param>
/// <param name="Write">Writing every file and the manifest to the store.</param>
public sealed record PrepareTimings(TimeSpan Read, TimeSpan Build, TimeSpan Write)
{
    /// <summary>Sum of the phases.</summary>
    public TimeSpan Total => Read + Build + Write;
}

/// <summary>Result of a <c>DatasetPreparation.PrepareAsync</c> call.</summary>
/// <param name="Manifest">The manifest as written.</param>
/// <param name="Source">The source as read (still in memory).</param>
/// <param name="Timings">Phase timings.</param>
public sealed record PrepareResult(PreparedManifest Manifest, SourceDataset Source, PrepareTimings Timings);

/// <summary>
/// Read → build → write in one call: the source is read and validated completely and the dataset built in memory before
/// anything is written, so bad input leaves no output; the manifest is written last.
/// </summary>
public static class DatasetPreparation
{
    /// <summary>Prepares the dataset named by <paramref name="spec"/> (see <see cref="DatasetResolver.Read"/>) under <paramref name="prefix"/>.</summary>
    public static Task<PrepareResult> PrepareAsync(string spec, DatasetReadOptions readOptions, PrepareOptions options,
        IArtifactStore store, string prefix, bool overwrite = false, CancellationToken cancellationToken = default) =>
        PrepareAsync(spec, readOptions, _ => options, store, prefix, overwrite, cancellationToken);

    /// <summary>As above, with options chosen once the source is known (e.g. no flips for unlabeled data).</summary>
    public static async Task<PrepareResult> PrepareAsync(string spec, DatasetReadOptions readOptions, Func<SourceDataset, PrepareOptions> optionsFor,
        IArtifactStore store, string prefix, bool overwrite = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(optionsFor);
        var clock = Stopwatch.StartNew();
        var source = DatasetResolver.Read(spec, readOptions);
        var read = clock.Elapsed;
        cancellationToken.ThrowIfCancellationRequested();
        var dataset = PreparedDatasetBuilder.Build(source, optionsFor(source));
        var build = clock.Elapsed - read;
        cancellationToken.ThrowIfCancellationRequested();
        var manifest = await PreparedDatasetStore.WriteAsync(store, prefix, dataset, overwrite, cancellationToken).ConfigureAwait(false);
        var write = clock.Elapsed - read - build;
        return new PrepareResult(manifest, source, new PrepareTimings(read, build, write));
    }
}
