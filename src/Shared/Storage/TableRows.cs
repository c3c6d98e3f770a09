namespace HardSamples.Shared.Storage;

/// <summary>How every table adapter stores values, so that all of them read back the same thing.</summary>
public static class TableRows
{
    /// <summary>
    /// The row as a store keeps it: null properties dropped (Azure has no null values) and <see cref="DateTimeOffset"/>
    /// values converted to UTC (Azure keeps no offset).
    /// </summary>
    public static TableRow Normalize(TableRow row, string? etag)
    {
        var properties = new Dictionary<string, object?>(row.Properties.Count, StringComparer.Ordinal);
        foreach (var (name, value) in row.Properties)
        {
            if (value is null) continue;
            properties[name] = value is DateTimeOffset d ? d.ToUniversalTime() : value;
        }
        return new TableRow(row.PartitionKey, row.RowKey, properties, etag);
    }
}
