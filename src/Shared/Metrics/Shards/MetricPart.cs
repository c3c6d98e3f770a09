using System.Text;
using System.Text.Json;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;

namespace HardSamples.Shared.Metrics.Shards;

/// <summary>
/// One metric shard's output: per-sample columns starting at <see cref="RowStart"/> and, for the near-duplicate shard,
/// the pairs as CSV. Stored under a prefix as <c>part.json</c> (names, row start, rows), <c>values.npy</c> (float64
/// [columns, rows]) and optionally <c>pairs.csv</c>; written by metric activities and GpuRunner <c>metrics</c> jobs alike.
/// </summary>
public sealed record MetricPart(IReadOnlyList<string> Names, int RowStart, IReadOnlyList<double[]> Values, string? PairsCsv);

/// <summary>Reads and writes <see cref="MetricPart"/>s through the artifact store.</summary>
public static class MetricPartStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private sealed record PartHeader(IReadOnlyList<string> Names, int RowStart, int Rows, bool HasPairs);

    /// <summary>Writes the part (values and pairs first, <c>part.json</c> last) and returns what was written.</summary>
    /// <exception cref="InvalidDataException">The columns differ in length or the names do not match the columns.</exception>
    public static async Task<IReadOnlyList<ArtifactRef>> WriteAsync(IArtifactStore store, string prefix, MetricPart part, CancellationToken cancellationToken = default)
    {
        var rows = part.Values.Count == 0 ? 0 : part.Values[0].Length;
        if (part.Values.Any(v => v.Length != rows)) throw new InvalidDataException("Partial columns of one shard differ in length.");
        if (part.Names.Count != part.Values.Count) throw new InvalidDataException($"A shard has {part.Names.Count} column names for {part.Values.Count} columns.");
        var flat = new double[part.Values.Count * rows];
        for (var c = 0; c < part.Values.Count; c++) part.Values[c].CopyTo(flat, c * rows);
        var written = new List<ArtifactRef>();
        long[] shape = [part.Values.Count, rows];
        var values = await store.PutAsync(prefix + "values.npy", new MemoryStream(Npy.ToBytes<double>(flat, shape)), cancellationToken: cancellationToken);
        written.Add(new ArtifactRef(values.Name, shape, Npy.Descr(Npy.DTypeOf<double>()), values.Sha256, values.Length));
        if (part.PairsCsv is not null)
        {
            var pairs = await store.PutAsync(prefix + "pairs.csv", new MemoryStream(Encoding.UTF8.GetBytes(part.PairsCsv)), new ArtifactPutOptions(ContentType: "text/csv"), cancellationToken);
            written.Add(new ArtifactRef(pairs.Name, [], "csv", pairs.Sha256, pairs.Length));
        }
        var header = JsonSerializer.SerializeToUtf8Bytes(new PartHeader(part.Names, part.RowStart, rows, part.PairsCsv is not null), Json);
        var info = await store.PutAsync(prefix + "part.json", new MemoryStream(header), new ArtifactPutOptions(ContentType: "application/json"), cancellationToken);
        written.Add(new ArtifactRef(info.Name, [], "json", info.Sha256, info.Length));
        return written;
    }

    /// <summary>Reads a part written by <see cref="WriteAsync"/>.</summary>
    /// <exception cref="InvalidDataException">The files are missing pieces or disagree.</exception>
    public static async Task<MetricPart> ReadAsync(IArtifactStore store, string prefix, CancellationToken cancellationToken = default)
    {
        PartHeader header;
        await using (var s = await store.OpenReadAsync(prefix + "part.json", cancellationToken))
        {
            try
            {
                header = await JsonSerializer.DeserializeAsync<PartHeader>(s, Json, cancellationToken)
                         ?? throw new InvalidDataException($"{prefix}part.json is empty.");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{prefix}part.json is not a metric part header: {e.Message}", e);
            }
        }
        var values = await StoreArrays.ReadAsync<double>(store, prefix + "values.npy", cancellationToken);
        if (values.Rank != 2 || values.Dim(0) != header.Names.Count || values.Dim(1) != header.Rows)
            throw new InvalidDataException($"{prefix}values.npy is [{string.Join(", ", values.Shape)}]; part.json lists {header.Names.Count} columns of {header.Rows} rows.");
        var columns = new List<double[]>();
        for (var c = 0; c < header.Names.Count; c++) columns.Add(values.Data.AsSpan(c * header.Rows, header.Rows).ToArray());
        string? pairs = null;
        if (header.HasPairs)
        {
            await using var s = await store.OpenReadAsync(prefix + "pairs.csv", cancellationToken);
            using var reader = new StreamReader(s, Encoding.UTF8);
            pairs = await reader.ReadToEndAsync(cancellationToken);
        }
        return new MetricPart(header.Names, header.RowStart, columns, pairs);
    }
}
