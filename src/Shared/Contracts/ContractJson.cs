using System.Text.Json;
using System.Text.Json.Serialization;

namespace HardSamples.Shared.Contracts;

/// <summary>JSON form of the job contracts (<see cref="JobSpec"/>, <see cref="JobResult"/>): camelCase, enums as strings.</summary>
public static class ContractJson
{
    /// <summary>Options for reading and writing job documents (reading is case-insensitive).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Parses a job spec, naming what is wrong when it is not one.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON, missing required members, or an unsupported schema version.</exception>
    public static JobSpec ParseSpec(string json, string source = "job spec")
    {
        JobSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<JobSpec>(json, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid job spec: {e.Message}", e);
        }
        if (spec is null) throw new InvalidDataException($"{source}: empty job spec.");
        if (spec.SchemaVersion != JobSpec.CurrentSchemaVersion)
            throw new InvalidDataException($"{source}: schema version {spec.SchemaVersion} is not supported (this build reads {JobSpec.CurrentSchemaVersion}).");
        return spec;
    }

    /// <summary>Parses a job result document.</summary>
    public static JobResult ParseResult(string json, string source = "job result")
    {
        try
        {
            return JsonSerializer.Deserialize<JobResult>(json, Options) ?? throw new InvalidDataException($"{source}: empty job result.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid job result: {e.Message}", e);
        }
    }

    /// <summary>Serialises a contract document.</summary>
    public static string Serialize<T>(T document) => JsonSerializer.Serialize(document, Options);
}
