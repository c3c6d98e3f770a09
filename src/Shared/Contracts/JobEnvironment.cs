using System.Text;
using System.Text.Json;

namespace HardSamples.Shared.Contracts;

/// <summary>
/// How a launcher hands a <see cref="JobSpec"/> to a runner container: the spec as base64-encoded UTF-8 JSON in
/// <see cref="SpecVariable"/>, and the job's identity (<c>{runId}/{jobId}</c>) in <see cref="JobKeyVariable"/> so
/// launchers can find an execution again. The runner reads the spec from the variable when started without
/// <c>--job</c>.
/// </summary>
public static class JobEnvironment
{
    /// <summary>Environment variable carrying the base64 JSON job spec.</summary>
    public const string SpecVariable = "HARDSAMPLES_JOB_SPEC";

    /// <summary>Environment variable carrying <c>{runId}/{jobId}</c>.</summary>
    public const string JobKeyVariable = "HARDSAMPLES_JOB_KEY";

    /// <summary>Largest encoded spec accepted (environment values are not meant for bulk data).</summary>
    public const int MaxEncodedLength = 32 * 1024;

    /// <summary>JSON settings used for the spec (camelCase, case-insensitive on read).</summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>The key identifying a job across retries: <c>{runId}/{jobId}</c>.</summary>
    public static string KeyOf(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrWhiteSpace(spec.RunId)) throw new ArgumentException("The job spec has no RunId.", nameof(spec));
        if (string.IsNullOrWhiteSpace(spec.JobId)) throw new ArgumentException("The job spec has no JobId.", nameof(spec));
        return $"{spec.RunId}/{spec.JobId}";
    }

    /// <summary>Encodes a spec for <see cref="SpecVariable"/>.</summary>
    public static string Encode(JobSpec spec)
    {
        KeyOf(spec);
        var encoded = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(spec, SerializerOptions));
        if (encoded.Length > MaxEncodedLength)
            throw new ArgumentException($"The encoded job spec is {encoded.Length} characters; at most {MaxEncodedLength} fit in {SpecVariable}.", nameof(spec));
        return encoded;
    }

    /// <summary>Decodes the value of <see cref="SpecVariable"/>; throws <see cref="FormatException"/> naming the problem.</summary>
    public static JobSpec Decode(string encoded)
    {
        if (string.IsNullOrWhiteSpace(encoded)) throw new FormatException($"{SpecVariable} is empty.");
        if (encoded.Length > MaxEncodedLength) throw new FormatException($"{SpecVariable} is {encoded.Length} characters; at most {MaxEncodedLength} are accepted.");
        byte[] json;
        try { json = Convert.FromBase64String(encoded.Trim()); }
        catch (FormatException e) { throw new FormatException($"{SpecVariable} is not valid base64.", e); }
        try
        {
            return JsonSerializer.Deserialize<JobSpec>(json, SerializerOptions)
                ?? throw new FormatException($"{SpecVariable} holds JSON null instead of a job spec.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{SpecVariable} does not hold a valid job spec: {e.Message} (JSON starts '{Preview(json)}').", e);
        }
    }

    /// <summary>Reads and decodes the spec from the process environment, or null when the variable is unset.</summary>
    public static JobSpec? FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(SpecVariable);
        return string.IsNullOrEmpty(value) ? null : Decode(value);
    }

    private static string Preview(byte[] json) => Encoding.UTF8.GetString(json, 0, Math.Min(json.Length, 40));
}
