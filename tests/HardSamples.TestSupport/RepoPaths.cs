namespace HardSamples.TestSupport;

/// <summary>Locations tests need: the repository root, <c>../shared</c> and its golden fixtures.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The folder holding HardSamples.sln.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>The project's shared folder (beside the repository), or HARDSAMPLES_SHARED.</summary>
    public static string SharedDir
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("HARDSAMPLES_SHARED");
            var dir = !string.IsNullOrEmpty(fromEnv) ? fromEnv : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));
            if (!Directory.Exists(dir))
                throw new DirectoryNotFoundException($"The shared folder '{dir}' is missing; tests need its golden fixtures (set HARDSAMPLES_SHARED to override).");
            return dir;
        }
    }

    /// <summary>The golden fixtures folder (<c>../shared/golden</c>).</summary>
    public static string GoldenDir => Path.Combine(SharedDir, "golden");

    /// <summary>A file under the golden folder; throws when it is missing (tests never skip silently).</summary>
    public static string Golden(params string[] parts)
    {
        var path = Path.Combine([GoldenDir, .. parts]);
        if (!File.Exists(path)) throw new FileNotFoundException($"Golden fixture '{path}' is missing.", path);
        return path;
    }

    /// <summary>The bundled sample dataset folder.</summary>
    public static string SampleDir => Path.Combine(RepoRoot, "samples", "mnist-10k");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HardSamples.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"HardSamples.sln not found above '{AppContext.BaseDirectory}'.");
    }
}
