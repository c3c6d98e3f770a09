using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Corruption;
using HardSamples.Shared.Storage;

namespace HardSamples.Shared.Datasets;

/// <summary>
/// Writes and loads prepared datasets through an <see cref="IArtifactStore"/> under a prefix P:
/// <c>P/samples.npy</c>, <c>P/labels.npy</c>, <c>P/labels_clean.npy</c>, <c>P/injected.npy</c>, <c>P/partner.npy</c>,
/// <c>P/provenance.csv</c>, <c>P/splits/{name}.npy</c>, and <c>P/manifest.json</c> written last. A prefix without a
/// manifest holds no (complete) prepared dataset.
/// </summary>
public static class PreparedDatasetStore
{
    /// <summary>Manifest file name.</summary>
    public const string ManifestName = "manifest.json";

    /// <summary>Samples file name.</summary>
    public const string SamplesName = "samples.npy";

    /// <summary>Observed labels file name.</summary>
    public const string LabelsName = "labels.npy";

    /// <summary>Clean labels file name.</summary>
    public const string LabelsCleanName = "labels_clean.npy";

    /// <summary>Injected kinds file name.</summary>
    public const string InjectedName = "injected.npy";

    /// <summary>Partners file name.</summary>
    public const string PartnerName = "partner.npy";

    /// <summary>Provenance file name.</summary>
    public const string ProvenanceName = "provenance.csv";

    /// <summary>The file of split <paramref name="split"/>.</summary>
    public static string SplitFileName(string split) => $"splits/{split}.npy";

    /// <summary>The blob name of <paramref name="file"/> under <paramref name="prefix"/> ("" or e.g. <c>run1/data</c>).</summary>
    public static string BlobName(string prefix, string file) =>
        string.IsNullOrEmpty(prefix.Trim('/')) ? ArtifactName.Validate(file) : ArtifactName.Combine(prefix, file);

    /// <summary>
    /// Writes every file, then the manifest (with file hashes and fingerprint), and returns that manifest. A prefix that
    /// already holds a prepared dataset is refused unless <paramref name="overwrite"/>; then its manifest is removed first.
    /// On failure the files written so far are deleted.
    /// </summary>
    public static async Task<PreparedManifest> WriteAsync(IArtifactStore store, string prefix, PreparedDataset dataset,
        bool overwrite = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(dataset);
        var manifestBlob = BlobName(prefix, ManifestName);
        var existing = await ExistingLayoutFilesAsync(store, prefix, cancellationToken).ConfigureAwait(false);
        if (existing.Count > 0)
        {
            if (!overwrite)
                throw new IOException($"'{(prefix.Length == 0 ? "." : prefix)}' already holds prepared-dataset files ({existing[0]}, …); choose another location or overwrite.");
            await store.DeleteAsync(manifestBlob, cancellationToken).ConfigureAwait(false);
            foreach (var name in existing) await store.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
        }

        var m = dataset.Manifest;
        var n = (long)m.Count;
        var outputs = new List<(string Name, Func<Stream> Open)>
        {
            (SamplesName, () => Npy.OpenReadStream(dataset.Samples)),
            (InjectedName, () => Npy.OpenReadStream(dataset.Injected, [n])),
            (PartnerName, () => Npy.OpenReadStream(dataset.Partner, [n])),
            (ProvenanceName, () => new MemoryStream(ProvenanceCsv(dataset))),
        };
        if (dataset.Labels is not null)
        {
            outputs.Add((LabelsName, () => Npy.OpenReadStream(dataset.Labels, [n])));
            outputs.Add((LabelsCleanName, () => Npy.OpenReadStream(dataset.LabelsClean!, [n])));
        }
        foreach (var (split, indices) in dataset.Splits)
            outputs.Add((SplitFileName(split), () => Npy.OpenReadStream(indices, [indices.LongLength])));

        var written = new List<string>();
        try
        {
            var files = new List<PreparedFile>();
            foreach (var (file, open) in outputs)
            {
                var blob = BlobName(prefix, file);
                long length;
                ArtifactInfo info;
                using (var content = open())
                {
                    length = content.Length;
                    info = await store.PutAsync(blob, content, null, cancellationToken).ConfigureAwait(false);
                }
                written.Add(blob);
                if (info.Length != length)
                    throw new IOException($"The store recorded {info.Length} bytes for '{blob}' but {length} were written.");
                // Stores compute SHA-256 on write (IArtifactStore contract); hash here only when one does not report it.
                var sha = string.IsNullOrEmpty(info.Sha256) ? HashOf(open()) : info.Sha256.ToLowerInvariant();
                files.Add(new PreparedFile(file, sha, length));
            }
            files.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            var final = m with { Files = files, Fingerprint = PreparedManifest.ComputeFingerprint(files), CreatedUtc = DateTimeOffset.UtcNow };
            var json = JsonSerializer.SerializeToUtf8Bytes(final, PreparedManifest.JsonOptions);
            using (var ms = new MemoryStream(json))
            {
                await store.PutAsync(manifestBlob, ms, new ArtifactPutOptions(ContentType: "application/json"), cancellationToken).ConfigureAwait(false);
            }
            dataset.Manifest = final;
            return final;
        }
        catch
        {
            foreach (var blob in written)
            {
                try { await store.DeleteAsync(blob, CancellationToken.None).ConfigureAwait(false); }
                catch (Exception) { /* best effort: the missing manifest already marks the prefix incomplete */ }
            }
            throw;
        }
    }

    private static string HashOf(Stream stream)
    {
        using (stream)
        {
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
    }

    /// <summary>The manifest under <paramref name="prefix"/>, or null when there is none (nothing prepared, or a prepare did not finish).</summary>
    public static async Task<PreparedManifest?> TryReadManifestAsync(IArtifactStore store, string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var name = BlobName(prefix, ManifestName);
        if (!await store.ExistsAsync(name, cancellationToken).ConfigureAwait(false)) return null;
        await using var stream = await store.OpenReadAsync(name, cancellationToken).ConfigureAwait(false);
        PreparedManifest? manifest;
        try
        {
            manifest = await JsonSerializer.DeserializeAsync<PreparedManifest>(stream, PreparedManifest.JsonOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{name}' is not a valid prepared-dataset manifest: {e.Message}", e);
        }
        if (manifest is null) throw new InvalidDataException($"'{name}' is empty.");
        if (manifest.SchemaVersion != PreparedManifest.CurrentSchemaVersion)
            throw new InvalidDataException($"'{name}' has schema version {manifest.SchemaVersion}; this build reads version {PreparedManifest.CurrentSchemaVersion}.");
        return manifest;
    }

    /// <summary>The manifest; throws when missing.</summary>
    public static async Task<PreparedManifest> ReadManifestAsync(IArtifactStore store, string prefix, CancellationToken cancellationToken = default) =>
        await TryReadManifestAsync(store, prefix, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidDataException($"No prepared dataset under '{(prefix.Length == 0 ? "." : prefix)}': {ManifestName} is missing (never prepared, or the prepare did not finish).");

    /// <summary>
    /// Loads and validates a prepared dataset: every file's SHA-256 against the manifest, the fingerprint, dtypes and
    /// shapes, provenance against the arrays, and split indices.
    /// </summary>
    public static async Task<PreparedDataset> LoadAsync(IArtifactStore store, string prefix, CancellationToken cancellationToken = default)
    {
        var m = await ReadManifestAsync(store, prefix, cancellationToken).ConfigureAwait(false);
        if (PreparedManifest.ComputeFingerprint(m.Files) != m.Fingerprint)
            throw new InvalidDataException($"Prepared dataset '{prefix}': the manifest fingerprint does not match its file list.");
        var byName = m.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var n = m.Count;

        async Task<T> ReadVerified<T>(string file, Func<Stream, string, T> parse)
        {
            if (!byName.TryGetValue(file, out var expected))
                throw new InvalidDataException($"Prepared dataset '{prefix}': the manifest does not list '{file}'.");
            var blob = BlobName(prefix, file);
            await using var raw = await store.OpenReadAsync(blob, cancellationToken).ConfigureAwait(false);
            using var hashing = new HashingReadStream(raw);
            var value = parse(hashing, blob);
            if (hashing.DrainAndCount() != 0)
                throw new InvalidDataException($"'{blob}': unexpected trailing bytes.");
            var sha = hashing.HashHex();
            if (sha != expected.Sha256)
                throw new InvalidDataException($"'{blob}': content changed since it was prepared (SHA-256 {sha}, manifest {expected.Sha256}).");
            return value;
        }

        NdArray<T> Vector<T>(Stream s, string blob, long length) where T : unmanaged
        {
            var a = Npy.ReadExact<T>(s, blob);
            if (a.Rank != 1 || a.Shape[0] != length)
                throw new InvalidDataException($"'{blob}': shape {a.ShapeText}, expected ({length},).");
            return a;
        }

        var samples = await ReadVerified(SamplesName, (s, b) =>
        {
            var a = Npy.ReadExact<float>(s, b);
            if (!a.Shape.SequenceEqual(new long[] { n, m.Channels, m.Height, m.Width }))
                throw new InvalidDataException($"'{b}': shape {a.ShapeText}, expected ({n}, {m.Channels}, {m.Height}, {m.Width}).");
            return a;
        }).ConfigureAwait(false);
        var injected = (await ReadVerified(InjectedName, (s, b) => Vector<int>(s, b, n)).ConfigureAwait(false)).Data;
        var partner = (await ReadVerified(PartnerName, (s, b) => Vector<int>(s, b, n)).ConfigureAwait(false)).Data;
        int[]? labels = null, clean = null;
        if (m.HasLabels)
        {
            labels = (await ReadVerified(LabelsName, (s, b) => Vector<int>(s, b, n)).ConfigureAwait(false)).Data;
            clean = (await ReadVerified(LabelsCleanName, (s, b) => Vector<int>(s, b, n)).ConfigureAwait(false)).Data;
            foreach (var (arr, what) in new[] { (labels, LabelsName), (clean, LabelsCleanName) })
            {
                var bad = Array.FindIndex(arr, l => l < 0 || l >= m.ClassCount);
                if (bad >= 0) throw new InvalidDataException($"'{what}': label {arr[bad]} of sample {bad} is outside [0, {m.ClassCount}).");
            }
        }
        var (sourceIndex, sourceName) = await ReadVerified(ProvenanceName, (s, b) => ParseProvenance(s, b, injected, partner)).ConfigureAwait(false);
        var splits = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var split in m.Splits)
        {
            splits[split] = (await ReadVerified(SplitFileName(split), (s, b) =>
            {
                var a = Npy.ReadExact<int>(s, b);
                if (a.Rank != 1) throw new InvalidDataException($"'{b}': shape {a.ShapeText}, expected 1-D.");
                return a;
            }).ConfigureAwait(false)).Data;
        }
        var badKind = Array.FindIndex(injected, k => k is < 0 or > (int)InjectedKind.NearDuplicate);
        if (badKind >= 0) throw new InvalidDataException($"'{InjectedName}': unknown injected kind {injected[badKind]} at sample {badKind}.");
        return new PreparedDataset(m, samples, labels, clean, injected, partner, sourceIndex, sourceName, splits);
    }

    private static async Task<List<string>> ExistingLayoutFilesAsync(IArtifactStore store, string prefix, CancellationToken ct)
    {
        var names = new List<string>();
        var fixedNames = new[] { ManifestName, SamplesName, LabelsName, LabelsCleanName, InjectedName, PartnerName, ProvenanceName }
            .Select(f => BlobName(prefix, f)).ToHashSet(StringComparer.Ordinal);
        var splitPrefix = BlobName(prefix, "splits") + "/";
        var listPrefix = prefix.Trim('/').Length == 0 ? "" : prefix.Trim('/') + "/";
        await foreach (var info in store.ListAsync(listPrefix, ct).ConfigureAwait(false))
        {
            if (fixedNames.Contains(info.Name) || (info.Name.StartsWith(splitPrefix, StringComparison.Ordinal) && info.Name.EndsWith(".npy", StringComparison.Ordinal)))
                names.Add(info.Name);
        }
        return names;
    }

    /// <summary>The provenance CSV: <c>sample_id,source_index,source_name,injected,partner</c> (injected by name).</summary>
    public static byte[] ProvenanceCsv(PreparedDataset dataset)
    {
        var sb = new StringBuilder(dataset.Count * 40);
        sb.Append("sample_id,source_index,source_name,injected,partner\n");
        for (var i = 0; i < dataset.Count; i++)
        {
            sb.Append(i).Append(',').Append(dataset.SourceIndex[i]).Append(',');
            AppendCsvField(sb, dataset.SourceName[i]);
            sb.Append(',').Append(dataset.KindOf(i).Name()).Append(',').Append(dataset.Partner[i]).Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static void AppendCsvField(StringBuilder sb, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            sb.Append(value);
            return;
        }
        sb.Append('"').Append(value.Replace("\"", "\"\"")).Append('"');
    }

    private static (int[] SourceIndex, string[] SourceName) ParseProvenance(Stream stream, string blob, int[] injected, int[] partner)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
        var rows = CsvRows(reader.ReadToEnd()).ToList();
        if (rows.Count == 0 || string.Join(',', rows[0]) != "sample_id,source_index,source_name,injected,partner")
            throw new InvalidDataException($"'{blob}': missing or wrong header.");
        var n = injected.Length;
        if (rows.Count - 1 != n) throw new InvalidDataException($"'{blob}': {rows.Count - 1} rows for {n} samples.");
        var index = new int[n];
        var names = new string[n];
        for (var i = 0; i < n; i++)
        {
            var r = rows[i + 1];
            if (r.Length != 5 || r[0] != i.ToString(System.Globalization.CultureInfo.InvariantCulture) || !int.TryParse(r[1], out index[i]) || !int.TryParse(r[4], out var p))
                throw new InvalidDataException($"'{blob}': malformed row {i + 1}.");
            if (p != partner[i] || (int)InjectedKindNames.Parse(r[3]) != injected[i])
                throw new InvalidDataException($"'{blob}': row {i + 1} disagrees with {InjectedName}/{PartnerName}.");
            names[i] = r[2];
        }
        return (index, names);
    }

    private static IEnumerable<string[]> CsvRows(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"' && field.Length == 0)
            {
                i++;
                while (i < text.Length)
                {
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    field.Append(text[i++]);
                }
                continue;
            }
            if (c == ',') { fields.Add(field.ToString()); field.Clear(); i++; continue; }
            if (c == '\n')
            {
                fields.Add(field.ToString());
                field.Clear();
                yield return fields.ToArray();
                fields.Clear();
                i++;
                continue;
            }
            field.Append(c);
            i++;
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return fields.ToArray();
        }
    }
}

/// <summary>A read-through stream that hashes (SHA-256) and counts every byte read.</summary>
internal sealed class HashingReadStream(Stream inner) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        _hash.AppendData(buffer[..n]);
        BytesRead += n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _hash.AppendData(buffer.Span[..n]);
        BytesRead += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Reads to the end; returns how many bytes were left.</summary>
    public long DrainAndCount()
    {
        var before = BytesRead;
        var buffer = new byte[81920];
        while (Read(buffer) > 0)
        {
        }
        return BytesRead - before;
    }

    /// <summary>Lower-case hex SHA-256 of everything read (call once, at the end).</summary>
    public string HashHex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
