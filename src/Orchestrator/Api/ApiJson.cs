using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace HardSamples.Orchestrator.Api;

/// <summary>An error body: what was wrong, and each problem when there are several.</summary>
/// <param name="Error">Readable summary.</param>
/// <param name="Details">Every problem (validation), if more than one.</param>
public sealed record ApiError(string Error, IReadOnlyList<string>? Details = null);

/// <summary>Reading bounded JSON bodies and writing JSON results for the HTTP API.</summary>
public static class ApiJson
{
    /// <summary>Serializer options of request and response bodies (camelCase, enums as strings, unknown fields rejected).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A JSON result with a status code.</summary>
    public static IActionResult Result(int status, object body) => new JsonResult(body, Options) { StatusCode = status };

    /// <summary>An error result.</summary>
    public static IActionResult Error(int status, string error, IReadOnlyList<string>? details = null) => Result(status, new ApiError(error, details));

    /// <summary>
    /// Reads and deserializes a JSON body of at most <paramref name="maxBytes"/> bytes. Returns the value, or an
    /// error result: 413 when too large, 415 for a non-JSON content type, 400 for an empty or malformed body.
    /// </summary>
    public static async Task<(T? Value, IActionResult? Error)> ReadAsync<T>(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentLength > maxBytes)
            return (null, Error(StatusCodes.Status413PayloadTooLarge, $"The request body is {request.ContentLength} bytes; the limit is {maxBytes}."));
        if (request.ContentType is { Length: > 0 } type && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) && !type.Contains("+json", StringComparison.OrdinalIgnoreCase))
            return (null, Error(StatusCodes.Status415UnsupportedMediaType, $"Content type '{type}' is not JSON; send application/json."));
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                return (null, Error(StatusCodes.Status413PayloadTooLarge, $"The request body exceeds the limit of {maxBytes} bytes."));
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) return (null, Error(StatusCodes.Status400BadRequest, "The request body is empty; send a JSON object."));
        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Options);
            return value is null
                ? (null, Error(StatusCodes.Status400BadRequest, "The request body is JSON null; send a JSON object."))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Error(StatusCodes.Status400BadRequest, $"The request body is not a valid {typeof(T).Name}: {e.Message}"));
        }
    }
}
