using System.Text;
using HardSamples.Shared.Tabular;

namespace HardSamples.Shared.Ranking;

/// <summary>Two samples found to be near-duplicates (e.g. by embedding distance).</summary>
/// <param name="A">Sample id.</param>
/// <param name="B">Sample id.</param>
/// <param name="Distance">Their distance (NaN when unknown).</param>
public sealed record NearDuplicatePair(int A, int B, double Distance)
{
    /// <summary>Header names accepted for the two id columns, as (a, b) pairs.</summary>
    public static readonly IReadOnlyList<(string A, string B)> IdColumnPairs = [("sample_a", "sample_b"), ("a", "b"), ("i", "j"), ("idx_a", "idx_b"), ("idx1", "idx2")];

    /// <summary>Reads a pairs CSV: two id columns (see <see cref="IdColumnPairs"/>) and an optional <c>distance</c>.</summary>
    /// <exception cref="InvalidDataException">Missing columns or non-integer ids.</exception>
    public static List<NearDuplicatePair> ReadCsv(Stream stream, string source = "near_duplicates.csv")
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        var records = Csv.ReadAll(reader, source);
        if (records.Count == 0) throw new InvalidDataException($"{source}: empty file.");
        var header = records[0].Select(h => h.Trim()).ToArray();
        var (ia, ib) = (-1, -1);
        foreach (var (a, b) in IdColumnPairs)
        {
            ia = Array.IndexOf(header, a); ib = Array.IndexOf(header, b);
            if (ia >= 0 && ib >= 0) break;
        }
        if (ia < 0 || ib < 0) throw new InvalidDataException($"{source}: no pair of id columns (expected e.g. sample_a,sample_b); header: {string.Join(",", header)}.");
        var id = Array.IndexOf(header, "distance");
        var pairs = new List<NearDuplicatePair>(records.Count - 1);
        for (var r = 1; r < records.Count; r++)
        {
            var f = records[r];
            if (f.Length != header.Length) throw new InvalidDataException($"{source}: row {r + 1} has {f.Length} fields, the header has {header.Length}.");
            var a = Csv.ParseLong(f[ia], $"{source} row {r + 1}");
            var b = Csv.ParseLong(f[ib], $"{source} row {r + 1}");
            if (a is < 0 or > int.MaxValue || b is < 0 or > int.MaxValue) throw new InvalidDataException($"{source} row {r + 1}: sample id out of range.");
            pairs.Add(new NearDuplicatePair((int)a, (int)b, id >= 0 ? Csv.ParseDouble(f[id], $"{source} row {r + 1}") : double.NaN));
        }
        return pairs;
    }
}

/// <summary>Disjoint-set forest with path halving and union by size.</summary>
public sealed class UnionFind
{
    private readonly int[] _parent;
    private readonly int[] _size;

    /// <summary>n singletons 0..n−1.</summary>
    public UnionFind(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        _parent = Enumerable.Range(0, n).ToArray();
        _size = Enumerable.Repeat(1, n).ToArray();
    }

    /// <summary>Root of x's set.</summary>
    public int Find(int x)
    {
        while (_parent[x] != x)
        {
            _parent[x] = _parent[_parent[x]];
            x = _parent[x];
        }
        return x;
    }

    /// <summary>Merges the sets of a and b; false when already together.</summary>
    public bool Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        if (ra == rb) return false;
        if (_size[ra] < _size[rb]) (ra, rb) = (rb, ra);
        _parent[rb] = ra;
        _size[ra] += _size[rb];
        return true;
    }

    /// <summary>Size of x's set.</summary>
    public int SizeOf(int x) => _size[Find(x)];
}

/// <summary>Redundancy clusters per row: the cluster id is the sample id of its representative.</summary>
/// <param name="Cluster">Cluster id of each row (a singleton's is its own sample id).</param>
/// <param name="ClusterSize">Number of samples in the row's cluster.</param>
/// <param name="IsRepresentative">True for the one sample kept per cluster (and for every singleton).</param>
public sealed record RedundancyClustering(int[] Cluster, int[] ClusterSize, bool[] IsRepresentative)
{
    /// <summary>Clusters with more than one sample.</summary>
    public int MultiSampleClusters => Cluster.Where((c, i) => ClusterSize[i] > 1).Distinct().Count();

    /// <summary>Samples that are redundant (in a cluster, not its representative).</summary>
    public int RedundantSamples => IsRepresentative.Count(r => !r);
}

/// <summary>Groups near-duplicate pairs into clusters (union-find, transitive) and picks one representative each.</summary>
public static class RedundancyClusters
{
    /// <summary>
    /// Builds clusters over the rows of <paramref name="sampleIds"/>. The representative of a cluster is the member with
    /// the lowest <paramref name="hardness"/> (the most typical copy; NaN counts as hardest), ties by smallest sample id.
    /// Pairs naming a sample that is not among the rows are ignored and counted in <paramref name="ignoredPairs"/>.
    /// </summary>
    public static RedundancyClustering Build(IReadOnlyList<int> sampleIds, IEnumerable<NearDuplicatePair> pairs, IReadOnlyList<double> hardness, out int ignoredPairs)
    {
        ArgumentNullException.ThrowIfNull(sampleIds);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentNullException.ThrowIfNull(hardness);
        if (hardness.Count != sampleIds.Count) throw new ArgumentException($"{hardness.Count} hardness values for {sampleIds.Count} samples.", nameof(hardness));
        var n = sampleIds.Count;
        var rowOf = new Dictionary<int, int>(n);
        for (var i = 0; i < n; i++) rowOf[sampleIds[i]] = i;
        var uf = new UnionFind(n);
        ignoredPairs = 0;
        foreach (var p in pairs)
        {
            if (!rowOf.TryGetValue(p.A, out var ra) || !rowOf.TryGetValue(p.B, out var rb)) { ignoredPairs++; continue; }
            uf.Union(ra, rb);
        }
        var best = new Dictionary<int, int>();
        for (var i = 0; i < n; i++)
        {
            var root = uf.Find(i);
            if (!best.TryGetValue(root, out var cur) || Better(i, cur)) best[root] = i;
        }
        var cluster = new int[n];
        var size = new int[n];
        var isRep = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var rep = best[uf.Find(i)];
            cluster[i] = sampleIds[rep];
            size[i] = uf.SizeOf(i);
            isRep[i] = rep == i;
        }
        return new RedundancyClustering(cluster, size, isRep);

        bool Better(int a, int b)
        {
            var ha = double.IsNaN(hardness[a]) ? double.PositiveInfinity : hardness[a];
            var hb = double.IsNaN(hardness[b]) ? double.PositiveInfinity : hardness[b];
            return ha != hb ? ha < hb : sampleIds[a] < sampleIds[b];
        }
    }
}
