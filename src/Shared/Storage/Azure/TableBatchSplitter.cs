using System.Text;

namespace HardSamples.Shared.Storage.Azure;

/// <summary>
/// Splits rows into Azure Table transactions that the real service accepts: one partition key each, at most
/// <see cref="MaxOperations"/> operations, at most <see cref="MaxPayloadBytes"/> of request body by a conservative size
/// estimate, and no row key twice (a later duplicate starts a new transaction, so the last value still wins). Row order
/// within a partition is kept.
/// </summary>
public static class TableBatchSplitter
{
    /// <summary>Azure's limit on operations per transaction.</summary>
    public const int MaxOperations = 100;

    /// <summary>Azure's limit on a transaction's request body (4 MiB).</summary>
    public const long MaxPayloadBytes = 4L * 1024 * 1024;

    /// <summary>Bytes reserved for the batch envelope (boundaries and headers of the batch and changeset).</summary>
    public const int BatchOverheadBytes = 2048;

    /// <summary>Bytes reserved per operation for its MIME part, request line and headers, besides keys and body.</summary>
    public const int OperationOverheadBytes = 1024;

    /// <summary>Groups <paramref name="rows"/> by partition key (first-seen order) and cuts each group into valid transactions.</summary>
    public static IReadOnlyList<IReadOnlyList<TableRow>> Split(IReadOnlyList<TableRow> rows, int maxOperations = MaxOperations, long maxPayloadBytes = MaxPayloadBytes)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOperations, 1);
        var batches = new List<IReadOnlyList<TableRow>>();
        foreach (var partition in rows.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
        {
            var current = new List<TableRow>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            long size = BatchOverheadBytes;
            foreach (var row in partition)
            {
                var rowSize = EstimateOperationBytes(row);
                if (BatchOverheadBytes + rowSize > maxPayloadBytes)
                    throw new ArgumentException($"Row ({TableValidation.Printable(row.PartitionKey)}, {TableValidation.Printable(row.RowKey)}) alone is estimated at {rowSize} bytes, over the {maxPayloadBytes}-byte transaction limit.");
                if (current.Count > 0 && (current.Count == maxOperations || size + rowSize > maxPayloadBytes || keys.Contains(row.RowKey)))
                {
                    batches.Add(current);
                    current = [];
                    keys.Clear();
                    size = BatchOverheadBytes;
                }
                current.Add(row);
                keys.Add(row.RowKey);
                size += rowSize;
            }
            if (current.Count > 0) batches.Add(current);
        }
        return batches;
    }

    /// <summary>
    /// An upper bound on the bytes one upsert adds to a transaction body: the fixed per-operation overhead, the keys
    /// percent-encoded in the request URL (3 bytes per UTF-8 byte) and again in the JSON body, and every property as
    /// JSON with its type annotation. JSON strings count 1 byte per plain ASCII letter/digit and 6 per other character
    /// (the longest escape, <c>\uXXXX</c>).
    /// </summary>
    public static long EstimateOperationBytes(TableRow row)
    {
        long size = OperationOverheadBytes
            + 3L * Encoding.UTF8.GetByteCount(row.PartitionKey) + 3L * Encoding.UTF8.GetByteCount(row.RowKey)
            + JsonString("PartitionKey") + JsonString(row.PartitionKey) + JsonString("RowKey") + JsonString(row.RowKey) + 8;
        foreach (var (name, value) in row.Properties)
        {
            if (value is null) continue;
            // "name":value, plus "name@odata.type":"Edm.DateTime", for typed values
            size += JsonString(name) + 2 + JsonString(name) + 48 + value switch
            {
                string s => JsonString(s),
                byte[] b => 2 + 4L * ((b.Length + 2) / 3),
                bool => 5,
                int => 11,
                long => 22,
                double => 26,
                DateTimeOffset => 32,
                Guid => 38,
                _ => 64,
            };
        }
        return size;
    }

    private static long JsonString(string s)
    {
        long size = 2;
        foreach (var c in s) size += char.IsAsciiLetterOrDigit(c) || c is ' ' or '.' or '-' or '_' or ':' or ',' ? 1 : 6;
        return size;
    }
}
