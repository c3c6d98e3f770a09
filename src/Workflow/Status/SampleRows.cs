using System.Globalization;

namespace HardSamples.Workflow.Status;

/// <summary>
/// The per-sample table (<see cref="TableName"/>): one partition per run and block of <see cref="RunRequest.ShardSize"/>
/// consecutive sample ids (<c>{runId}-s00003</c>), one row per sample id (zero-padded, so rows sort by id), with the
/// sample's key scores, rank and category. A sample's row is found from its id and the run's shard size alone.
/// </summary>
public static class SampleRows
{
    /// <summary>Default table name.</summary>
    public const string TableName = "Samples";

    /// <summary>Partition key of block <paramref name="block"/> of a run.</summary>
    public static string PartitionKey(string runId, int block) => $"{runId}-s{block:00000}";

    /// <summary>Row key of a sample id.</summary>
    public static string RowKey(int sampleId) => sampleId.ToString("00000000", CultureInfo.InvariantCulture);

    /// <summary>Partition and row key of a sample.</summary>
    public static (string PartitionKey, string RowKey) Locate(string runId, int sampleId, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleId);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        return (PartitionKey(runId, sampleId / blockSize), RowKey(sampleId));
    }

    /// <summary>The blocks covering <paramref name="count"/> samples.</summary>
    public static IReadOnlyList<(int Block, int Start, int Count)> Blocks(int count, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        var blocks = new List<(int, int, int)>();
        for (int start = 0, b = 0; start < count; start += blockSize, b++) blocks.Add((b, start, Math.Min(blockSize, count - start)));
        return blocks;
    }
}
