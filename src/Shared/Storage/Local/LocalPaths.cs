namespace HardSamples.Shared.Storage.Local;

/// <summary>
/// Maps artifact names to real paths under a root folder. Symbolic links are followed (like <c>realpath</c>), and a
/// name whose real path leaves the root, or lands in the store's hidden folder, is refused.
/// </summary>
internal sealed class LocalPaths
{
    /// <summary>Hidden folder at the root holding the lock file and the SHA-256 cache; never listed, never addressable.</summary>
    public const string MetaFolderName = ".hsmeta";

    /// <summary>Prefix of temporary files written beside their final name; never listed, never addressable.</summary>
    public const string TempPrefix = ".hstmp-";

    private const int MaxLinkHops = 40;

    public LocalPaths(string rootFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootFolder);
        var full = Path.GetFullPath(rootFolder);
        Directory.CreateDirectory(full);
        Root = RealPath(full);
        MetaFolder = Path.Join(Root, MetaFolderName);
        Directory.CreateDirectory(MetaFolder);
    }

    /// <summary>Real (link-free) absolute path of the root.</summary>
    public string Root { get; }

    /// <summary>Absolute path of the hidden metadata folder.</summary>
    public string MetaFolder { get; }

    /// <summary>Validates <paramref name="name"/> and returns its real path, which is inside the root.</summary>
    /// <exception cref="ArgumentException">Bad name, reserved name, or a path that escapes the root.</exception>
    public string Resolve(string name)
    {
        ArtifactName.Validate(name);
        RejectReserved(name, name);
        return Confine(name, RealPath(Path.Join(Root, name)));
    }

    /// <summary>Real path of the folder part of a listing prefix, or null when it does not exist.</summary>
    public string? ResolveFolder(string logicalFolder)
    {
        if (logicalFolder.Length == 0) return Root;
        RejectReserved(logicalFolder, logicalFolder);
        var real = Confine(logicalFolder, RealPath(Path.Join(Root, logicalFolder)));
        return Directory.Exists(real) ? real : null;
    }

    /// <summary>True when <paramref name="realPath"/> lies strictly inside the root and outside the hidden folder.</summary>
    public bool IsAddressable(string realPath) =>
        realPath.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
        && !realPath.StartsWith(MetaFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal)
        && realPath != MetaFolder
        && !Path.GetFileName(realPath).StartsWith(TempPrefix, StringComparison.Ordinal);

    /// <summary>The path relative to the root, '/'-separated.</summary>
    public string Relative(string realPath) => Path.GetRelativePath(Root, realPath).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>
    /// Resolves every symbolic link in an absolute path, component by component (like POSIX <c>realpath</c>); the part
    /// that does not exist yet is kept as written.
    /// </summary>
    public static string RealPath(string absolutePath)
    {
        var full = Path.GetFullPath(absolutePath);
        var resolved = Path.GetPathRoot(full) ?? throw new ArgumentException($"'{absolutePath}' is not absolute.");
        var pending = new Stack<string>(full[resolved.Length..].Split(Path.DirectorySeparatorChar).Reverse());
        var hops = 0;
        while (pending.Count > 0)
        {
            var segment = pending.Pop();
            if (segment is "" or ".") continue;
            if (segment == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? resolved;
                continue;
            }
            var candidate = Path.Join(resolved, segment);
            var target = LinkTarget(candidate);
            if (target is null)
            {
                resolved = candidate;
                continue;
            }
            if (++hops > MaxLinkHops)
                throw new IOException($"Too many levels of symbolic links while resolving '{absolutePath}'.");
            if (Path.IsPathRooted(target)) resolved = Path.GetPathRoot(target)!;
            foreach (var part in target.Split(Path.DirectorySeparatorChar).Reverse()) pending.Push(part);
        }
        return resolved;
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private string Confine(string name, string real)
    {
        if (!IsAddressable(real))
            throw new ArgumentException($"Artifact name '{name}' resolves to '{real}', which is outside the store root '{Root}' or in its reserved area (symbolic links may not leave the root).", nameof(name));
        return real;
    }

    private static void RejectReserved(string name, string logical)
    {
        var segments = logical.Split('/');
        if (segments[0] == MetaFolderName)
            throw new ArgumentException($"Artifact name '{name}' uses the reserved folder '{MetaFolderName}' of the local store.", nameof(name));
        if (segments.Any(s => s.StartsWith(TempPrefix, StringComparison.Ordinal)))
            throw new ArgumentException($"Artifact name '{name}' uses the reserved prefix '{TempPrefix}' of the local store.", nameof(name));
    }
}
