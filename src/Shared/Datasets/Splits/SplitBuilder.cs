using HardSamples.Shared.Corruption;

namespace HardSamples.Shared.Datasets.Splits;

/// <summary>How to split a prepared dataset.</summary>
/// <param name="Seed">Seed of the halves (<c>RandomState([seed, 3])</c>) and the test split (<c>[seed, 4]</c>).</param>
/// <param name="Stratified">Balance every class between the halves (and in the test split) when labels exist.</param>
/// <param name="ShardCount">K contiguous shards of the training pool for fan-out (≥ 1).</param>
/// <param name="TestFraction">Fraction held out as <c>test</c> (never trained on by probes); 0 = no test split.</param>
public sealed record SplitSettings(uint Seed = 91, bool Stratified = true, int ShardCount = 1, double TestFraction = 0)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the bad setting.</summary>
    public void Validate()
    {
        if (ShardCount < 1) throw new ArgumentException($"ShardCount must be ≥ 1, got {ShardCount}.");
        if (!double.IsFinite(TestFraction) || TestFraction < 0 || TestFraction >= 1)
            throw new ArgumentException($"TestFraction must be in [0, 1), got {TestFraction}.");
    }
}

/// <summary>
/// Builds the named splits of a prepared dataset, each a sorted int32 index array: <c>test</c> (optional held-out
/// set) with <c>train</c> (every other sample, the pool the probes train on; only written when <c>test</c> is),
/// <c>A</c> and <c>B</c> (the SSFT halves of the pool) and <c>shard-000</c>… (K contiguous, balanced ranges of the pool).
/// </summary>
public static class SplitBuilder
{
    /// <summary>Name of the first SSFT half.</summary>
    public const string HalfA = "A";

    /// <summary>Name of the second SSFT half.</summary>
    public const string HalfB = "B";

    /// <summary>Name of the held-out split.</summary>
    public const string Test = "test";

    /// <summary>Name of the training pool (every sample outside <see cref="Test"/>); present only with a test split.</summary>
    public const string Train = "train";

    /// <summary><c>shard-000</c>, <c>shard-001</c>, …</summary>
    public static string ShardName(int index) => $"shard-{index:000}";

    /// <summary>Every split for <paramref name="count"/> samples (labels enable stratification).</summary>
    public static IReadOnlyDictionary<string, int[]> Build(int count, int[]? labels, SplitSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        if (labels is not null && labels.Length != count)
            throw new ArgumentException($"{labels.Length} labels for {count} samples.");
        var stratify = settings.Stratified && labels is not null;
        var result = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var pool = Enumerable.Range(0, count).ToArray();
        if (settings.TestFraction > 0)
        {
            var (test, rest) = HoldOut(pool, stratify ? labels : null, settings.TestFraction, RandomStreams.Create(settings.Seed, RandomStreams.TestSplit));
            result[Test] = test;
            result[Train] = rest;
            pool = rest;
        }
        var (a, b) = Halves(pool, stratify ? labels : null, RandomStreams.Create(settings.Seed, RandomStreams.Halves));
        result[HalfA] = a;
        result[HalfB] = b;
        var shards = Shards(pool, settings.ShardCount);
        for (var k = 0; k < shards.Length; k++) result[ShardName(k)] = shards[k];
        return result;
    }

    /// <summary>
    /// Two halves of <paramref name="pool"/>: each group (a class, or the whole pool) is shuffled with the legacy shuffle,
    /// its first half goes to A and the rest to B; odd leftovers alternate so |A| − |B| ∈ {0, 1}.
    /// </summary>
    public static (int[] A, int[] B) Halves(IReadOnlyList<int> pool, int[]? labels, Mt19937 rng)
    {
        var a = new List<int>(pool.Count / 2 + 1);
        var b = new List<int>(pool.Count / 2 + 1);
        var oddToA = true;
        foreach (var group in Groups(pool, labels))
        {
            rng.Shuffle<int>(group);
            var half = group.Length / 2;
            if (group.Length % 2 == 1)
            {
                if (oddToA) half++;
                oddToA = !oddToA;
            }
            a.AddRange(group.AsSpan(0, half).ToArray());
            b.AddRange(group.AsSpan(half).ToArray());
        }
        var aa = a.ToArray();
        var bb = b.ToArray();
        Array.Sort(aa);
        Array.Sort(bb);
        return (aa, bb);
    }

    /// <summary>Holds out round(fraction·size) of each group (a class, or the whole pool), chosen by legacy shuffle.</summary>
    public static (int[] Test, int[] Remaining) HoldOut(IReadOnlyList<int> pool, int[]? labels, double fraction, Mt19937 rng)
    {
        var test = new List<int>();
        var rest = new List<int>();
        foreach (var group in Groups(pool, labels))
        {
            rng.Shuffle<int>(group);
            var take = (int)Math.Round(fraction * group.Length, MidpointRounding.AwayFromZero);
            test.AddRange(group.AsSpan(0, take).ToArray());
            rest.AddRange(group.AsSpan(take).ToArray());
        }
        var t = test.ToArray();
        var r = rest.ToArray();
        Array.Sort(t);
        Array.Sort(r);
        if (t.Length == 0) throw new ArgumentException($"A test fraction of {fraction} holds out no sample of {pool.Count}.");
        if (r.Length == 0) throw new ArgumentException($"A test fraction of {fraction} leaves no sample to train on.");
        return (t, r);
    }

    /// <summary>K contiguous ranges of the sorted pool, sizes differing by at most one.</summary>
    public static int[][] Shards(IReadOnlyList<int> pool, int count)
    {
        if (count < 1) throw new ArgumentException($"Shard count must be ≥ 1, got {count}.");
        if (count > Math.Max(pool.Count, 1)) throw new ArgumentException($"{count} shards for {pool.Count} samples would leave empty shards.");
        var sorted = pool.ToArray();
        Array.Sort(sorted);
        var shards = new int[count][];
        var start = 0;
        for (var k = 0; k < count; k++)
        {
            var size = sorted.Length / count + (k < sorted.Length % count ? 1 : 0);
            shards[k] = sorted.AsSpan(start, size).ToArray();
            start += size;
        }
        return shards;
    }

    private static IEnumerable<int[]> Groups(IReadOnlyList<int> pool, int[]? labels)
    {
        if (labels is null)
        {
            var all = pool.ToArray();
            Array.Sort(all);
            yield return all;
            yield break;
        }
        foreach (var g in pool.GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var members = g.ToArray();
            Array.Sort(members);
            yield return members;
        }
    }
}
