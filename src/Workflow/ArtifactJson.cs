using System.Text.Json;
using System.Text.Json.Serialization;
using HardSamples.Shared.Storage;

namespace HardSamples.Workflow;

/// <summary>JSON documents in the artifact store (indented, camelCase, enums as strings).</summary>
public static class ArtifactJson
{
    /// <summary>The serializer options used for every stored document.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Reads and deserializes a document, or returns default when it does not exist.</summary>
    /// <exception cref="InvalidDataException">The document exists but is not valid JSON for <typeparamref name="T"/>.</exception>
    public static async Task<T?> TryReadAsync<T>(IArtifactStore store, string name, CancellationToken cancellationToken = default)
    {
        Stream stream;
        try
        {
            stream = await store.OpenReadAsync(name, cancellationToken);
        }
        catch (ArtifactNotFoundException)
        {
            return default;
        }
        await using (stream)
        {
            try
            {
                return await JsonSerializer.DeserializeAsync<T>(stream, Options, cancellationToken);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"Artifact '{name}' is not a valid {typeof(T).Name} document: {e.Message}", e);
            }
        }
    }

    /// <summary>Reads a document that must exist.</summary>
    public static async Task<T> ReadAsync<T>(IArtifactStore store, string name, CancellationToken cancellationToken = default)
        => await TryReadAsync<T>(store, name, cancellationToken)
           ?? throw new InvalidDataException($"Artifact '{name}' is missing or empty (expected a {typeof(T).Name} document).");

    /// <summary>Serializes and writes a document (whole-blob replace).</summary>
    public static async Task<ArtifactInfo> WriteAsync<T>(IArtifactStore store, string name, T value, CancellationToken cancellationToken = default)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Options);
        using var stream = new MemoryStream(bytes, writable: false);
        return await store.PutAsync(name, stream, new ArtifactPutOptions(ContentType: "application/json"), cancellationToken);
    }
}
