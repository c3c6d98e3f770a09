using System.Text.RegularExpressions;

namespace HardSamples.Shared.Storage;

/// <summary>
/// Azure Table storage's rules for table names, keys, property names, value types and sizes, applied by
/// every <see cref="ITableStore"/> adapter so that the local store rejects exactly what Azure would.
/// </summary>
public static partial class TableValidation
{
    /// <summary>Longest partition or row key, in characters: Azure allows 1 KiB, which is 512 UTF-16 characters (Azurite enforces 512).</summary>
    public const int MaxKeyLength = 512;

    /// <summary>Longest string property, in characters (Azure: 64 KiB of UTF-16).</summary>
    public const int MaxStringLength = 32 * 1024;

    /// <summary>Largest binary property, in bytes.</summary>
    public const int MaxBinaryLength = 64 * 1024;

    /// <summary>Most custom properties per row (Azure: 255 including PartitionKey, RowKey, Timestamp).</summary>
    public const int MaxProperties = 252;

    /// <summary>Largest row, in bytes, by Azure's documented entity-size formula.</summary>
    public const int MaxEntitySize = 1024 * 1024;

    /// <summary>Longest property name, in characters.</summary>
    public const int MaxPropertyNameLength = 255;

    private static readonly HashSet<string> ReservedPropertyNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "PartitionKey", "RowKey", "Timestamp", "ETag", "odata.etag",
    };

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="table"/> is 3–63 ASCII letters/digits starting with a letter (and not "tables").</summary>
    public static string ValidateTableName(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!TableNamePattern().IsMatch(table))
            throw new ArgumentException($"Table name '{Printable(table)}' is invalid: use 3–63 ASCII letters or digits, starting with a letter.", nameof(table));
        if (string.Equals(table, "tables", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("Table name 'tables' is reserved by Azure Table storage.", nameof(table));
        return table;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when a partition or row key breaks Azure's rules.</summary>
    /// <param name="key">The key.</param>
    /// <param name="what">"partition key" or "row key", used in the message.</param>
    public static string ValidateKey(string key, string what = "key")
    {
        if (key is null) throw new ArgumentNullException(nameof(key), $"The {what} is null.");
        if (key.Length > MaxKeyLength)
            throw new ArgumentException($"The {what} is {key.Length} characters long; the limit is {MaxKeyLength}.", nameof(key));
        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?')
                throw new ArgumentException($"The {what} '{Printable(key)}' contains '{c}', which Azure Table storage forbids in keys.", nameof(key));
            if (c <= '\u001F' || c is >= '\u007F' and <= '\u009F')
                throw new ArgumentException($"The {what} '{Printable(key)}' contains a control character (U+{(int)c:X4}).", nameof(key));
        }
        return key;
    }

    /// <summary>Validates both keys, every property name, value type and size, and the whole row's size.</summary>
    public static TableRow ValidateRow(TableRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        ValidateKey(row.PartitionKey, "partition key");
        ValidateKey(row.RowKey, "row key");
        ArgumentNullException.ThrowIfNull(row.Properties, nameof(row.Properties));
        var count = 0;
        foreach (var (name, value) in row.Properties)
        {
            ValidatePropertyName(name);
            if (value is null) continue;
            count++;
            switch (value)
            {
                case string s when s.Length > MaxStringLength:
                    throw new ArgumentException($"Property '{name}' of row ({Printable(row.PartitionKey)}, {Printable(row.RowKey)}) is a string of {s.Length} characters; the limit is {MaxStringLength}.");
                case byte[] b when b.Length > MaxBinaryLength:
                    throw new ArgumentException($"Property '{name}' of row ({Printable(row.PartitionKey)}, {Printable(row.RowKey)}) holds {b.Length} bytes; the limit is {MaxBinaryLength}.");
                case string or bool or int or long or double or DateTimeOffset or Guid or byte[]:
                    break;
                default:
                    throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}; use string, bool, int, long, double, DateTimeOffset, Guid or byte[].");
            }
        }
        if (count > MaxProperties)
            throw new ArgumentException($"Row ({Printable(row.PartitionKey)}, {Printable(row.RowKey)}) has {count} properties; the limit is {MaxProperties}.");
        var size = EntitySize(row);
        if (size > MaxEntitySize)
            throw new ArgumentException($"Row ({Printable(row.PartitionKey)}, {Printable(row.RowKey)}) is {size} bytes by Azure's entity-size rule; the limit is {MaxEntitySize}.");
        return row;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the name is a C#-style identifier of at most 255 characters and not reserved.</summary>
    public static string ValidatePropertyName(string name)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException("A property name is empty.", nameof(name));
        if (name.Length > MaxPropertyNameLength)
            throw new ArgumentException($"Property name '{Printable(name)}' is {name.Length} characters long; the limit is {MaxPropertyNameLength}.", nameof(name));
        if (!PropertyNamePattern().IsMatch(name))
            throw new ArgumentException($"Property name '{Printable(name)}' is invalid: use ASCII letters, digits and '_', starting with a letter or '_'.", nameof(name));
        if (ReservedPropertyNames.Contains(name))
            throw new ArgumentException($"Property name '{name}' is reserved by Azure Table storage.", nameof(name));
        return name;
    }

    /// <summary>
    /// Size of a row by Azure's documented formula: 4 + 2·len(PartitionKey) + 2·len(RowKey) + Σ(8 + 2·len(name) + value size),
    /// where strings take 4 + 2·len bytes, binary 4 + n, bool 1, int 4, long/double/date 8, Guid 16.
    /// </summary>
    public static long EntitySize(TableRow row)
    {
        long size = 4 + 2L * row.PartitionKey.Length + 2L * row.RowKey.Length;
        foreach (var (name, value) in row.Properties)
        {
            if (value is null) continue;
            size += 8 + 2L * name.Length + value switch
            {
                string s => 4 + 2L * s.Length,
                byte[] b => 4 + b.Length,
                bool => 1,
                int => 4,
                Guid => 16,
                _ => 8,
            };
        }
        return size;
    }

    internal static string Printable(string s)
    {
        var shown = s.Length > 60 ? s[..60] + "…" : s;
        return new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNamePattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PropertyNamePattern();
}
