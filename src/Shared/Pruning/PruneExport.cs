using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using HardSamples.Shared.Arrays;
using HardSamples.Shared.Imaging;
using HardSamples.Shared.Tabular;

namespace HardSamples.Shared.Pruning;

/// <summary>Format of the filtered dataset.</summary>
public enum ExportFormat
{
    /// <summary><c>samples.npy</c> float32 [k,C,H,W] (normalised, as prepared), <c>labels.npy</c>, <c>sample_ids.npy</c>.</summary>
    Npy,
    /// <summary><c>images-idx3-ubyte</c> (uint8, de-normalised) and <c>labels-idx1-ubyte</c>, MNIST style.</summary>
    Idx,
    /// <summary><c>images/&lt;label&gt;/&lt;sample_id&gt;.png</c> (flat when unlabeled).</summary>
    Folder,
}

/// <summary>One file of an export, relative to the export folder.</summary>
public sealed record ExportFile(string RelativePath, byte[] Content);

/// <summary>Builds the keep-list and the filtered dataset files in memory (nothing is written here).</summary>
public static class PruneExport
{
    /// <summary>Name of the keep-list file.</summary>
    public const string KeepListName = "keep-list.csv";

    /// <summary>The keep-list CSV: one line per kept sample, sorted by sample id.</summary>
    public static byte[] KeepListCsv(KeepSelection selection)
    {
        var sb = new StringWriter(CultureInfo.InvariantCulture);
        Csv.WriteRecord(sb, ["sample_id", "rank", "score", "label", "category", "cluster", "representative", "injected", "source_index", "source_name"]);
        foreach (var r in selection.Rows.OrderBy(r => r.SampleId))
            Csv.WriteRecord(sb, [I(r.SampleId), I(r.Rank), Csv.Format(r.Score), I(r.Label), r.Category, I(r.Cluster), r.Representative ? "1" : "0", I(r.Injected), r.SourceIndex.ToString(CultureInfo.InvariantCulture), r.SourceName]);
        return new UTF8Encoding(false).GetBytes(sb.ToString());
        static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The dataset files of the kept samples (sorted by sample id).</summary>
    /// <param name="sampleIds">Kept sample ids.</param>
    /// <param name="samples">The prepared samples, float32 [N,C,H,W].</param>
    /// <param name="labels">Observed labels [N], or null.</param>
    /// <param name="images">Pixel conversion for IDX/PNG (built on <paramref name="samples"/>).</param>
    /// <param name="format">Output format.</param>
    /// <exception cref="ArgumentException">An id outside the dataset, or labels that do not fit IDX's uint8.</exception>
    public static List<ExportFile> DatasetFiles(IEnumerable<int> sampleIds, NdArray<float> samples, int[]? labels, SampleImages images, ExportFormat format)
    {
        samples.RequireRank(4, "samples.npy");
        var ids = sampleIds.Order().ToArray();
        int n = samples.Dim(0), c = samples.Dim(1), h = samples.Dim(2), w = samples.Dim(3);
        foreach (var id in ids) if (id < 0 || id >= n) throw new ArgumentException($"Sample id {id} is outside the dataset (N = {n}).");
        if (labels is not null && labels.Length != n) throw new ArgumentException($"labels.npy has {labels.Length} entries for {n} samples.");
        var files = new List<ExportFile>();
        switch (format)
        {
            case ExportFormat.Npy:
            {
                var per = c * h * w;
                var sub = new float[ids.Length * per];
                for (var k = 0; k < ids.Length; k++) Array.Copy(samples.Data, (long)ids[k] * per, sub, (long)k * per, per);
                files.Add(new("samples.npy", Npy.ToBytes<float>(sub, [ids.Length, c, h, w])));
                files.Add(new("sample_ids.npy", Npy.ToBytes<int>(ids, [ids.Length])));
                if (labels is not null) files.Add(new("labels.npy", Npy.ToBytes<int>(ids.Select(i => labels[i]).ToArray(), [ids.Length])));
                break;
            }
            case ExportFormat.Idx:
            {
                var per = c * h * w;
                int[] dims = c == 1 ? [ids.Length, h, w] : [ids.Length, c, h, w];
                var body = new byte[(long)ids.Length * per];
                for (var k = 0; k < ids.Length; k++) images.Planar(ids[k]).CopyTo(body, (long)k * per);
                files.Add(new($"images-idx{dims.Length}-ubyte", Idx(dims, body)));
                if (labels is not null)
                {
                    var lab = ids.Select(i => labels[i]).ToArray();
                    if (lab.Any(l => l is < 0 or > 255)) throw new ArgumentException("IDX labels must be in 0..255.");
                    files.Add(new("labels-idx1-ubyte", Idx([ids.Length], lab.Select(l => (byte)l).ToArray())));
                }
                break;
            }
            case ExportFormat.Folder:
                foreach (var id in ids)
                {
                    var dir = labels is null ? "images" : $"images/{labels[id].ToString(CultureInfo.InvariantCulture)}";
                    files.Add(new($"{dir}/{id.ToString("D6", CultureInfo.InvariantCulture)}.png", images.Png(id)));
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format.");
        }
        return files;
    }

    /// <summary>An IDX file (big-endian header, unsigned bytes).</summary>
    public static byte[] Idx(int[] dims, byte[] body)
    {
        var header = new byte[4 + 4 * dims.Length];
        header[2] = 0x08;
        header[3] = (byte)dims.Length;
        for (var i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        return [.. header, .. body];
    }
}

/// <summary>Writes a set of files as one folder, all or nothing.</summary>
public static class ExportWriter
{
    /// <summary>
    /// Writes every file into a fresh temporary sibling of <paramref name="directory"/>, then moves it into place
    /// (replacing an existing folder of that name). On any failure nothing new is left at <paramref name="directory"/>.
    /// </summary>
    public static void CommitToDirectory(IReadOnlyList<ExportFile> files, string directory)
    {
        ArgumentNullException.ThrowIfNull(files);
        var target = Path.GetFullPath(directory);
        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{directory}' has no parent folder.");
        Directory.CreateDirectory(parent);
        var temp = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        try
        {
            foreach (var f in files)
            {
                var path = Path.GetFullPath(Path.Combine(temp, f.RelativePath));
                if (!path.StartsWith(temp + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new ArgumentException($"Export file '{f.RelativePath}' would escape the export folder.");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, f.Content);
            }
            string? old = null;
            if (Directory.Exists(target))
            {
                old = Path.Combine(parent, $".{Path.GetFileName(target)}.old-{Guid.NewGuid():N}");
                Directory.Move(target, old);
            }
            Directory.Move(temp, target);
            if (old is not null) Directory.Delete(old, recursive: true);
        }
        finally
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        }
    }
}
