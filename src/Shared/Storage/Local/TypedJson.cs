using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HardSamples.Shared.Storage.Local;

/// <summary>
/// Row properties as typed JSON: <c>{"Name":["l",42],"When":["t","2025-01-01T00:00:00.0000000+00:00"]}</c>. Type tags:
/// s string, b bool, i int, l long, d double (non-finite as "NaN"/"Infinity"/"-Infinity"), t DateTimeOffset (UTC,
/// round-trip format), g Guid, x byte[] (base64). Null values are not written.
/// </summary>
internal static class TypedJson
{
    public static string Write(IReadOnlyDictionary<string, object?> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in properties)
            {
                if (value is null) continue;
                writer.WriteStartArray(name);
                switch (value)
                {
                    case string s: writer.WriteStringValue("s"); writer.WriteStringValue(s); break;
                    case bool b: writer.WriteStringValue("b"); writer.WriteBooleanValue(b); break;
                    case int i: writer.WriteStringValue("i"); writer.WriteNumberValue(i); break;
                    case long l: writer.WriteStringValue("l"); writer.WriteNumberValue(l); break;
                    case double d when double.IsFinite(d): writer.WriteStringValue("d"); writer.WriteNumberValue(d); break;
                    case double d: writer.WriteStringValue("d"); writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture)); break;
                    case DateTimeOffset t: writer.WriteStringValue("t"); writer.WriteStringValue(t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)); break;
                    case Guid g: writer.WriteStringValue("g"); writer.WriteStringValue(g.ToString("D")); break;
                    case byte[] x: writer.WriteStringValue("x"); writer.WriteBase64StringValue(x); break;
                    default: throw new ArgumentException($"Property '{name}' has unsupported type {value.GetType().Name}.");
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static Dictionary<string, object?> Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var tag = property.Value[0].GetString();
            var v = property.Value[1];
            result[property.Name] = tag switch
            {
                "s" => v.GetString(),
                "b" => v.GetBoolean(),
                "i" => v.GetInt32(),
                "l" => v.GetInt64(),
                "d" => v.ValueKind == JsonValueKind.String ? double.Parse(v.GetString()!, CultureInfo.InvariantCulture) : v.GetDouble(),
                "t" => DateTimeOffset.ParseExact(v.GetString()!, "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                "g" => v.GetGuid(),
                "x" => v.GetBytesFromBase64(),
                _ => throw new InvalidDataException($"Property '{property.Name}' has unknown type tag '{tag}'."),
            };
        }
        return result;
    }
}
