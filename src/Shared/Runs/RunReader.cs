using System.Text;
using System.Text.Json;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Tabular;

namespace HardSamples.Shared.Runs;

/// <summary>One row of <c>data/provenance.csv</c>.</summary>
/// <param name="SampleId">Index in the prepared dataset.</param>
/// <param name="SourceIndex">Index in the source dataset (−1 when synthetic).</param>
/// <param name="SourceName">Source file or dataset name.</param>
/// <param name="Injected">0 none, 1 mixture, 2 label flip, 3 near-duplicate.</param>
/// <param name="Partner">Mixture partner / duplicate original, or −1.</param>
public sealed record ProvenanceRow(int SampleId, long SourceIndex, string SourceName, int Injected, long Partner);

/// <summary>The prepared dataset's manifest fields the results need (read leniently from <c>data/manifest.json</c>).</summary>
/// <param name="Count">N.</param>
/// <param name="Channels">C.</param>
/// <param name="Height">H.</param>
/// <param name="Width">W.</param>
/// <param name="ClassCount">Number of classes (0 when unknown).</param>
/// <param name="Mean">Normalisation mean per channel.</param>
/// <param name="Std">Normalisation std per channel.</param>
/// <param name="Raw">The whole document, for display.</param>
public sealed record DataManifestInfo(int Count, int Channels, int Height, int Width, int ClassCount, double[] Mean, double[] Std, JsonElement Raw);

/// <summary>Reads a run's artifacts through an <see cref="IArtifactStore"/>; every <c>TryRead…</c> returns null when the blob is absent.</summary>
public sealed class RunReader
{
    /// <summary>Reads run <paramref name="runId"/> from <paramref name="store"/>.</summary>
    public RunReader(IArtifactStore store, string runId)
    {
        Store = store ?? throw new ArgumentNullException(nameof(store));
        RunId = RunBlobNames.ValidateRunId(runId);
    }

    /// <summary>The store.</summary>
    public IArtifactStore Store { get; }

    /// <summary>The run id.</summary>
    public string RunId { get; }

    /// <summary>True when any blob exists under <c>{runId}/</c>.</summary>
    public async Task<bool> ExistsAsync(CancellationToken ct = default)
    {
        await foreach (var _ in Store.ListAsync(RunBlobNames.Prefix(RunId), ct)) return true;
        return false;
    }

    /// <summary>Throws <see cref="RunNotFoundException"/> unless the run exists.</summary>
    public async Task EnsureExistsAsync(CancellationToken ct = default)
    {
        if (!await ExistsAsync(ct)) throw new RunNotFoundException(RunId);
    }

    /// <summary>A blob's bytes, or null.</summary>
    public async Task<byte[]?> TryReadBytesAsync(string name, CancellationToken ct = default)
    {
        if (!await Store.ExistsAsync(name, ct)) return null;
        await using var s = await Store.OpenReadAsync(name, ct);
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms, ct);
        return ms.ToArray();
    }

    /// <summary>A UTF-8 blob, or null.</summary>
    public async Task<string?> TryReadTextAsync(string name, CancellationToken ct = default)
    {
        var b = await TryReadBytesAsync(name, ct);
        return b is null ? null : Encoding.UTF8.GetString(b);
    }

    /// <summary>A .npy blob converted to <typeparamref name="T"/>, or null.</summary>
    public async Task<NdArray<T>?> TryReadNpyAsync<T>(string name, CancellationToken ct = default) where T : unmanaged
    {
        var b = await TryReadBytesAsync(name, ct);
        return b is null ? null : Npy.Read<T>(new MemoryStream(b), name);
    }

    /// <summary><c>results/metrics.csv</c>, or null.</summary>
    public async Task<PerSampleTable?> TryReadMetricsAsync(CancellationToken ct = default)
    {
        var name = RunBlobNames.MetricsCsv(RunId);
        var b = await TryReadBytesAsync(name, ct);
        return b is null ? null : PerSampleTable.ReadCsv(new MemoryStream(b), name);
    }

    /// <summary><c>results/correlations.csv</c>, or null.</summary>
    public async Task<CorrelationTable?> TryReadCorrelationsAsync(CancellationToken ct = default)
    {
        var name = RunBlobNames.Correlations(RunId);
        var b = await TryReadBytesAsync(name, ct);
        return b is null ? null : CorrelationTable.ReadCsv(new MemoryStream(b), name);
    }

    /// <summary><c>data/provenance.csv</c>, or null.</summary>
    public async Task<IReadOnlyList<ProvenanceRow>?> TryReadProvenanceAsync(CancellationToken ct = default)
    {
        var name = RunBlobNames.Data(RunId, "provenance.csv");
        var text = await TryReadTextAsync(name, ct);
        return text is null ? null : ParseProvenance(text, name);
    }

    /// <summary><c>data/manifest.json</c>, or null.</summary>
    public async Task<DataManifestInfo?> TryReadDataManifestAsync(CancellationToken ct = default)
    {
        var name = RunBlobNames.Data(RunId, "manifest.json");
        var text = await TryReadTextAsync(name, ct);
        return text is null ? null : ParseDataManifest(text, name);
    }

    /// <summary>Parses provenance CSV text.</summary>
    public static IReadOnlyList<ProvenanceRow> ParseProvenance(string text, string source)
    {
        var records = Csv.ReadAll(new StringReader(text), source);
        if (records.Count == 0) throw new InvalidDataException($"{source}: empty file.");
        var h = records[0].Select(x => x.Trim()).ToArray();
        int Col(string c) => Array.IndexOf(h, c) is var i and >= 0 ? i : throw new InvalidDataException($"{source}: missing column '{c}' (header: {string.Join(",", h)}).");
        int id = Col("sample_id"), si = Col("source_index"), sn = Col("source_name"), inj = Col("injected"), pa = Col("partner");
        var rows = new List<ProvenanceRow>(records.Count - 1);
        for (var r = 1; r < records.Count; r++)
        {
            var f = records[r];
            if (f.Length != h.Length) throw new InvalidDataException($"{source}: row {r + 1} has {f.Length} fields, the header has {h.Length}.");
            var w = $"{source} row {r + 1}";
            rows.Add(new ProvenanceRow(checked((int)Csv.ParseLong(f[id], w)), Csv.ParseLong(f[si], w), f[sn], ParseInjected(f[inj], w), Csv.ParseLong(f[pa], w)));
        }
        return rows;
    }

    /// <summary>An injected kind written as a name (<c>none</c>, <c>mixture</c>, <c>label_flip</c>, <c>near_duplicate</c>) or as its code.</summary>
    private static int ParseInjected(string text, string where)
    {
        var t = text.Trim();
        if (int.TryParse(t, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var code)) return code;
        try { return (int)Corruption.InjectedKindNames.Parse(t); }
        catch (FormatException ex) { throw new InvalidDataException($"{where}: {ex.Message}", ex); }
    }

    /// <summary>Parses the prepared manifest leniently (camelCase or snake_case names).</summary>
    public static DataManifestInfo ParseDataManifest(string json, string source)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement.Clone();
        int Int(params string[] names)
        {
            foreach (var n in names)
                if (TryGet(root, n, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i)) return i;
            return 0;
        }
        double[] Doubles(string parent, string child)
        {
            if (TryGet(root, parent, out var p) && p.ValueKind == JsonValueKind.Object && TryGet(p, child, out var arr))
            {
                if (arr.ValueKind == JsonValueKind.Array) return arr.EnumerateArray().Select(e => e.GetDouble()).ToArray();
                if (arr.ValueKind == JsonValueKind.Number) return [arr.GetDouble()];
            }
            return [];
        }
        var m = new DataManifestInfo(Int("count", "n"), Int("channels", "c"), Int("height", "h"), Int("width", "w"), Int("classCount", "class_count", "classes"),
            Doubles("normalization", "mean"), Doubles("normalization", "std"), root);
        if (m.Count <= 0 || m.Channels <= 0 || m.Height <= 0 || m.Width <= 0)
            throw new InvalidDataException($"{source}: count/channels/height/width missing or not positive.");
        return m;
    }

    private static bool TryGet(JsonElement obj, string name, out JsonElement value)
    {
        foreach (var p in obj.EnumerateObject())
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) { value = p.Value; return true; }
        value = default;
        return false;
    }
}

/// <summary>No blob exists under the run's prefix.</summary>
public sealed class RunNotFoundException(string runId)
    : Exception($"Run '{runId}' was not found (no artifacts under '{runId}/').")
{
    /// <summary>The run id asked for.</summary>
    public string RunId { get; } = runId;
}
