using System.IO.Compression;
using HardSamples.Shared.Corruption;
using HardSamples.Shared.Datasets;
using HardSamples.Shared.Datasets.Splits;
using HardSamples.Shared.Storage;

namespace HardSamples.Workflow.Steps;

/// <summary>
/// The real dataset step: resolves the reference (alias, local path, or a blob of the datasets store downloaded to a
/// temporary folder and unzipped when it is a .zip), reads and validates it, keeps the first
/// <see cref="PrepareDatasetInput.MaxSamples"/>, injects the corruption, splits (the optional held-out <c>test</c>
/// split with its complement <c>train</c>, then A/B halves and ⌈n/shard size⌉ shards of the samples outside
/// <c>test</c>) and writes the prepared layout under the input prefix.
/// </summary>
public sealed class DatasetStep(IArtifactStore runs, IArtifactStore? datasets) : IDatasetStep
{
    /// <inheritdoc />
    public async Task<PreparedDatasetRef> PrepareAsync(PrepareDatasetInput input, CancellationToken cancellationToken)
    {
        var reference = DatasetReference.Parse(input.Dataset);
        string? temp = null;
        try
        {
            var spec = input.Dataset;
            if (reference.Kind == DatasetReferenceKind.Blob)
            {
                temp = Path.Combine(Path.GetTempPath(), "hs-dataset-" + Guid.NewGuid().ToString("N"));
                spec = await DownloadAsync(reference.Value, input.DatasetETag, temp, cancellationToken);
            }
            var source = DatasetResolver.Read(spec, new DatasetReadOptions());
            if (input.MaxSamples is { } max && max < source.Count) source = Slice(source, max);
            var corruption = input.Corruption;
            var settings = new CorruptionSettings(corruption.MixRate, source.Labels is null ? 0 : corruption.FlipRate, corruption.DuplicateRate, (uint)corruption.Seed);
            // Shards cover the training pool; the source count is a close upper bound of it (mixtures shrink, duplicates grow it).
            var pool = source.Count * (1 - input.TestFraction);
            var shardCount = Math.Max(1, (int)Math.Ceiling(pool / input.ShardSize));
            var options = new PrepareOptions(settings, new SplitSettings((uint)input.Seed, Stratified: source.Labels is not null, ShardCount: shardCount,
                TestFraction: input.TestFraction));
            var dataset = PreparedDatasetBuilder.Build(source, options);
            cancellationToken.ThrowIfCancellationRequested();
            // A prepared set under this prefix without the step marker is a half-finished earlier attempt: replace it.
            var m = await PreparedDatasetStore.WriteAsync(runs, input.Prefix, dataset, overwrite: true, cancellationToken);
            return new PreparedDatasetRef(input.Prefix, m.Count, m.Channels, m.Height, m.Width, m.ClassCount, m.HasLabels,
                m.Splits.Where(s => s.StartsWith("shard-", StringComparison.Ordinal)).ToList(), m.InjectedCounts, m.Fingerprint,
                dataset.Splits.TryGetValue(SplitBuilder.Test, out var test) ? test.Length : 0);
        }
        finally
        {
            if (temp is not null)
            {
                try { Directory.Delete(temp, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    /// <summary>The first <paramref name="count"/> samples of a source.</summary>
    public static SourceDataset Slice(SourceDataset source, int count)
    {
        var size = source.Channels * source.Height * source.Width;
        var labels = source.Labels?[..count];
        var names = source.SampleNames?[..count];
        var description = $"{source.Description} (first {count} of {source.Count})";
        return source.Bytes is not null
            ? SourceDataset.FromBytes(source.Kind, description, source.Bytes[..(count * size)], count, source.Channels, source.Height, source.Width,
                labels, source.ClassCount, source.ClassNames, names, source.SourceFileName, source.Notes)
            : SourceDataset.FromFloats(source.Kind, description, source.Floats![..(count * size)], count, source.Channels, source.Height, source.Width,
                labels, source.ClassCount, source.ClassNames, names, source.SourceFileName, source.Notes);
    }

    private async Task<string> DownloadAsync(string blob, string? etag, string folder, CancellationToken cancellationToken)
    {
        if (datasets is null) throw new InvalidOperationException($"Dataset 'datasets/{blob}' needs a datasets store, and none is configured.");
        var info = await datasets.GetInfoAsync(blob, cancellationToken)
                   ?? throw new FileNotFoundException($"Dataset blob 'datasets/{blob}' does not exist.");
        if (etag is not null && info.ETag != etag)
            throw new InvalidDataException($"Dataset blob 'datasets/{blob}' changed since the run started (ETag {info.ETag}, expected {etag}); upload it again to start a new run.");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, Path.GetFileName(blob));
        await using (var input = await datasets.OpenReadAsync(blob, cancellationToken))
        await using (var output = File.Create(file))
        {
            await input.CopyToAsync(output, cancellationToken);
        }
        if (!file.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) return file;
        var extracted = Path.Combine(folder, "extracted");
        ZipFile.ExtractToDirectory(file, extracted); // throws on entries that would leave the folder
        var entries = Directory.GetFileSystemEntries(extracted);
        return entries.Length == 1 && Directory.Exists(entries[0]) ? entries[0] : extracted;
    }
}
