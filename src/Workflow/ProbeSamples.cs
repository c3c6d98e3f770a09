using HardSamples.Shared.Datasets.Splits;
using HardSamples.Shared.Storage;

namespace HardSamples.Workflow;

/// <summary>
/// The samples a run's probes train on, which are also the rows of its metric and ranking tables: every prepared
/// sample, or, when the run holds out a <c>test</c> split (<see cref="RunRequest.TestFraction"/>), the samples of the
/// <c>train</c> split (every sample outside <c>test</c>). Test samples get no probe output and no table row; they
/// stay in <c>data/</c> for <c>hardsamples evaluate-pruning</c>.
/// </summary>
public static class ProbeSamples
{
    /// <summary>Role of the test split in the run's results (<c>manifest.json</c>, <see cref="RunSummary.Results"/>).</summary>
    public const string TestSplitRole = "test-split";

    /// <summary>The split name the whole-set probes (autoencoder, contrastive) train on: <c>train</c> or <c>all</c>.</summary>
    public static string Split(PreparedDatasetRef data) => data.TestCount > 0 ? SplitBuilder.Train : "all";

    /// <summary>How many samples the probes train on.</summary>
    public static int Count(PreparedDatasetRef data) => data.Count - data.TestCount;

    /// <summary>Artifact name of the test split (meaningful when <see cref="PreparedDatasetRef.TestCount"/> is positive).</summary>
    public static string TestSplitName(PreparedDatasetRef data) => data.Prefix + $"splits/{SplitBuilder.Test}.npy";

    /// <summary>
    /// The sorted sample ids of the table rows: 0..N−1, or the stored <c>train</c> split.
    /// </summary>
    /// <exception cref="InvalidDataException">The <c>train</c> split is missing or disagrees with the dataset reference.</exception>
    public static async Task<int[]> ReadAsync(IArtifactStore store, PreparedDatasetRef data, CancellationToken cancellationToken = default)
    {
        if (data.TestCount <= 0) return Enumerable.Range(0, data.Count).ToArray();
        var name = data.Prefix + $"splits/{SplitBuilder.Train}.npy";
        if (!await store.ExistsAsync(name, cancellationToken))
            throw new InvalidDataException($"The run holds out {data.TestCount} test samples but its training split {name} is missing.");
        var ids = (await StoreArrays.ReadAsync<int>(store, name, cancellationToken)).Data;
        if (ids.Length != Count(data))
            throw new InvalidDataException($"{name} holds {ids.Length} samples; {data.Count} prepared minus {data.TestCount} held out for test is {Count(data)}.");
        for (var i = 0; i < ids.Length; i++)
        {
            if (ids[i] < 0 || ids[i] >= data.Count || (i > 0 && ids[i] <= ids[i - 1]))
                throw new InvalidDataException($"{name} is not a sorted list of distinct sample ids below {data.Count} (position {i}).");
        }
        return ids;
    }

    /// <summary>Row of each sample id in <paramref name="rows"/> (sample ids outside the rows are absent).</summary>
    public static Dictionary<int, int> RowOf(int[] rows)
    {
        var map = new Dictionary<int, int>(rows.Length);
        for (var r = 0; r < rows.Length; r++) map[rows[r]] = r;
        return map;
    }
}
