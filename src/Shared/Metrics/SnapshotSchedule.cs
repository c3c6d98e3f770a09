namespace HardSamples.Shared.Metrics;

/// <summary>The epochs at which snapshot metrics are computed (the seed's schedules).</summary>
public static class SnapshotSchedule
{
    /// <summary>LID epochs: <c>range(every, epochs, every)</c> (epoch 0 excluded).</summary>
    public static IReadOnlyList<int> LidEpochs(int epochs, int every) => Range(every, epochs, every);

    /// <summary>Silhouette epochs: <c>range(0, epochs, every)</c>.</summary>
    public static IReadOnlyList<int> SilhouetteEpochs(int epochs, int every) => Range(0, epochs, every);

    private static int[] Range(int start, int stop, int step)
    {
        if (step < 1) throw new ArgumentException($"A snapshot interval must be at least 1, got {step}.", nameof(step));
        if (stop < 0) throw new ArgumentException($"Epoch count must be non-negative, got {stop}.", nameof(stop));
        var list = new List<int>();
        for (var e = start; e < stop; e += step) list.Add(e);
        return [.. list];
    }
}
