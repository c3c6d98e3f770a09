using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace HardSamples.Workflow;

/// <summary>
/// Run and job ids: lower-case letters, digits and '-', 3–63 characters, starting with a letter or digit. They are
/// orchestration instance ids, blob path segments and table keys at once, so anything else (path characters,
/// '#', '?', spaces, upper case) is rejected.
/// </summary>
public static partial class RunIds
{
    /// <summary>Longest id.</summary>
    public const int MaxLength = 63;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex JobPattern();

    /// <summary>True when <paramref name="id"/> is a valid run id.</summary>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id) && !id.EndsWith('-');

    /// <summary>True when <paramref name="id"/> is a valid job id (like a run id, but 1–63 characters: <c>ae</c>, <c>ssft-ab</c>).</summary>
    public static bool IsValidJobId(string? id) => id is not null && JobPattern().IsMatch(id) && !id.EndsWith('-');

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when <paramref name="id"/> is not a valid job id.</summary>
    public static string ValidateJobId(string? id)
    {
        if (!IsValidJobId(id))
            throw new ArgumentException($"The job id '{Printable(id ?? "")}' is invalid: use 1–{MaxLength} lower-case letters, digits or '-'.");
        return id!;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when <paramref name="id"/> is invalid.</summary>
    public static string Validate(string? id, string what = "run id")
    {
        if (string.IsNullOrEmpty(id)) throw new ArgumentException($"The {what} is empty.");
        if (!IsValid(id))
            throw new ArgumentException($"The {what} '{Printable(id)}' is invalid: use 3–{MaxLength} lower-case letters, digits or '-', starting and ending with a letter or digit.");
        return id;
    }

    /// <summary>A new id such as <c>run-20260101-120000-1a2b3c</c>.</summary>
    public static string New(DateTimeOffset now)
        => $"run-{now.UtcDateTime:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    /// <summary>
    /// The run id for one blob upload: the same blob name and ETag always give the same id, so a repeated
    /// notification of one upload starts one run, and a new upload of the same name (new ETag) starts another.
    /// </summary>
    public static string ForUpload(string blobName, string etag)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(blobName + "\n" + etag.Trim('"')));
        var stem = new string(Path.GetFileNameWithoutExtension(blobName).ToLowerInvariant()
            .Select(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-').ToArray()).Trim('-');
        if (stem.Length > 30) stem = stem[..30].TrimEnd('-');
        var id = $"up-{(stem.Length > 0 ? stem + "-" : "")}{Convert.ToHexStringLower(hash)[..16]}";
        return id;
    }

    private static string Printable(string s)
    {
        var shown = s.Length > 80 ? s[..80] + "…" : s;
        return new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
