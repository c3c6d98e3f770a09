namespace HardSamples.Shared.Storage;

/// <summary>Validation of blob names shared by every artifact store adapter.</summary>
public static class ArtifactName
{
    /// <summary>Longest accepted name (Azure's blob name limit).</summary>
    public const int MaxLength = 1024;

    /// <summary>Longest accepted path segment (common file-system limit).</summary>
    public const int MaxSegmentLength = 255;

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when <paramref name="name"/> is not a safe relative blob name.</summary>
    public static string Validate(string name, bool allowEmpty = false) => Check(name, allowEmpty, partialLastSegment: false);

    /// <summary>
    /// Validates a listing prefix: empty, a valid name, a valid name followed by '/', or a valid name whose last
    /// segment is cut short (so it may end in '.' or space). Throws <see cref="ArgumentException"/> otherwise.
    /// </summary>
    public static string ValidatePrefix(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0) return prefix;
        var body = prefix.EndsWith('/') ? prefix[..^1] : prefix;
        if (body.Length == 0)
            throw new ArgumentException("Artifact prefix '/' is absolute; use a relative '/'-separated prefix or an empty one.", nameof(prefix));
        Check(body, allowEmpty: false, partialLastSegment: !prefix.EndsWith('/'));
        return prefix;
    }

    private static string Check(string name, bool allowEmpty, bool partialLastSegment)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            if (allowEmpty) return name;
            throw new ArgumentException("Artifact name is empty.", nameof(name));
        }
        if (name.Length > MaxLength)
            throw new ArgumentException($"Artifact name is {name.Length} characters long; the limit is {MaxLength}.", nameof(name));
        if (name[0] == '/' || name.Contains('\\') || (name.Length > 1 && name[1] == ':'))
            throw new ArgumentException($"Artifact name '{Printable(name)}' is absolute or uses backslashes; use a relative '/'-separated name.", nameof(name));
        foreach (var c in name)
        {
            if (char.IsControl(c) || c == '\uFFFE' || c == '\uFFFF')
                throw new ArgumentException($"Artifact name '{Printable(name)}' contains a control character (U+{(int)c:X4}).", nameof(name));
        }
        var segments = name.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            if (segment.Length == 0)
                throw new ArgumentException($"Artifact name '{Printable(name)}' has an empty path segment.", nameof(name));
            if (segment is "." or "..")
                throw new ArgumentException($"Artifact name '{Printable(name)}' contains a '{segment}' segment.", nameof(name));
            if (segment.Length > MaxSegmentLength)
                throw new ArgumentException($"Artifact name has a segment of {segment.Length} characters; the limit is {MaxSegmentLength}.", nameof(name));
            if ((segment.EndsWith('.') || segment.EndsWith(' ')) && !(partialLastSegment && i == segments.Length - 1))
                throw new ArgumentException($"Artifact name '{Printable(name)}' has a segment ending in '.' or space.", nameof(name));
        }
        return name;
    }

    /// <summary>Joins segments with '/' and validates the result.</summary>
    public static string Combine(params string[] segments) => Validate(string.Join('/', segments.Where(s => s.Length > 0).Select(s => s.Trim('/'))));

    private static string Printable(string s)
    {
        var shown = s.Length > 80 ? s[..80] + "…" : s;
        return new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
