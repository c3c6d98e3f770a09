using System.Globalization;
using System.Text;

namespace HardSamples.Shared.Tabular;

/// <summary>
/// Minimal RFC 4180 CSV: comma separated, fields with commas, quotes or line breaks are quoted, quotes doubled.
/// Numbers are written with the invariant culture and round-trip precision.
/// </summary>
public static class Csv
{
    /// <summary>Parses every record of <paramref name="reader"/> (header included). Empty trailing lines are ignored.</summary>
    /// <exception cref="InvalidDataException">An unterminated quoted field.</exception>
    public static List<string[]> ReadAll(TextReader reader, string source = "CSV")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var fieldStarted = false;
        var line = 1;
        int c;
        while ((c = reader.Read()) >= 0)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else inQuotes = false;
                }
                else
                {
                    if (ch == '\n') line++;
                    field.Append(ch);
                }
                continue;
            }
            switch (ch)
            {
                case '"' when field.Length == 0:
                    inQuotes = true;
                    fieldStarted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    line++;
                    break;
                default:
                    field.Append(ch);
                    fieldStarted = true;
                    break;
            }
        }
        if (inQuotes) throw new InvalidDataException($"{source}: unterminated quoted field starting before line {line}.");
        EndRecord();
        return records;

        void EndRecord()
        {
            if (fieldStarted || field.Length > 0 || fields.Count > 0)
            {
                fields.Add(field.ToString());
                records.Add([.. fields]);
            }
            fields.Clear();
            field.Clear();
            fieldStarted = false;
        }
    }

    /// <summary>Quotes a field when it needs it.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }

    /// <summary>Writes one record and a '\n'.</summary>
    public static void WriteRecord(TextWriter writer, IEnumerable<string> fields)
    {
        writer.Write(string.Join(',', fields.Select(Escape)));
        writer.Write('\n');
    }

    /// <summary>A double in invariant round-trip form; NaN as an empty field.</summary>
    public static string Format(double value) => double.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Parses a double written by <see cref="Format"/> or NumPy/pandas (empty, <c>nan</c> → NaN).</summary>
    /// <exception cref="InvalidDataException">Not a number.</exception>
    public static double ParseDouble(string text, string where)
    {
        var t = text.Trim();
        if (t.Length == 0 || t.Equals("nan", StringComparison.OrdinalIgnoreCase)) return double.NaN;
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return v;
        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase)) return double.PositiveInfinity;
        if (t.Equals("-inf", StringComparison.OrdinalIgnoreCase)) return double.NegativeInfinity;
        throw new InvalidDataException($"{where}: '{Shorten(t)}' is not a number.");
    }

    /// <summary>Parses an integer field.</summary>
    /// <exception cref="InvalidDataException">Not an integer.</exception>
    public static long ParseLong(string text, string where)
    {
        var t = text.Trim();
        if (long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) return v;
        // pandas may write integer ids as 12.0
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < 1e15) return (long)d;
        throw new InvalidDataException($"{where}: '{Shorten(t)}' is not an integer.");
    }

    private static string Shorten(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
