namespace HardSamples.Shared.Corruption;

/// <summary>One injected label flip.</summary>
/// <param name="Position">Prepared sample index.</param>
/// <param name="From">Clean label.</param>
/// <param name="To">Observed (flipped) label, always different from <paramref name="From"/>.</param>
public readonly record struct LabelFlip(int Position, int From, int To);

/// <summary>
/// Symmetric label noise: chooses <c>count</c> samples uniformly among the candidates (legacy shuffle, first
/// <c>count</c>) and moves each to a uniformly chosen different class: (y + 1 + U{0..K−2}) mod K.
/// </summary>
public static class LabelFlips
{
    /// <summary>Plans flips over <paramref name="candidates"/> (positions allowed to flip), sorted by position.</summary>
    /// <exception cref="ArgumentException">Fewer than two classes, or more flips than candidates.</exception>
    public static IReadOnlyList<LabelFlip> Plan(ReadOnlySpan<int> labels, IReadOnlyList<int> candidates, int count, int classCount, Mt19937 rng)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(rng);
        if (count == 0) return [];
        if (classCount < 2)
            throw new ArgumentException($"Label flips need at least two classes; the dataset has {classCount}.");
        if (count > candidates.Count)
            throw new ArgumentException($"Cannot flip {count} labels: only {candidates.Count} samples are eligible (untouched by other corruption).");
        var pool = candidates.ToArray();
        rng.Shuffle<int>(pool);
        var chosen = pool.AsSpan(0, count).ToArray();
        Array.Sort(chosen);
        var flips = new LabelFlip[count];
        for (var i = 0; i < count; i++)
        {
            var from = labels[chosen[i]];
            if (from < 0 || from >= classCount)
                throw new ArgumentException($"Label {from} of sample {chosen[i]} is outside [0, {classCount}).");
            var to = (int)((from + 1 + rng.RandomInterval((uint)(classCount - 2))) % classCount);
            flips[i] = new LabelFlip(chosen[i], from, to);
        }
        return flips;
    }
}
