using HardSamples.Shared.Storage;
using HardSamples.Shared.Storage.Local;

namespace HardSamples.Cli.Hosting;

/// <summary>
/// The stores of the CLI. <c>--storage local</c> (default): runs in the <c>--out</c> folder itself
/// (<c>./runs/{runId}/…</c>, the same layout as the <c>runs</c> container), tables in <c>{out}/tables.db</c>, uploaded
/// datasets in the sibling folder <c>datasets</c>. Anything else goes to <see cref="StorageFactory"/> (a connection string
/// such as <c>UseDevelopmentStorage=true</c>, or a service URI).
/// </summary>
/// <param name="Runs">Run artifacts.</param>
/// <param name="Datasets">Uploaded datasets.</param>
/// <param name="Tables">Runs and per-sample tables.</param>
/// <param name="Description">Where they are, for messages.</param>
/// <param name="LocalRunsFolder">The runs folder when local.</param>
/// <param name="RunnerStorage">The <c>HARDSAMPLES_STORAGE</c> value a GpuRunner process needs to see the same runs store, or null when it cannot.</param>
internal sealed record CliStorage(IArtifactStore Runs, IArtifactStore Datasets, ITableStore Tables, string Description, string? LocalRunsFolder, string? RunnerStorage)
{
    /// <summary>Opens the stores.</summary>
    public static CliStorage Open(string storage, string outFolder)
    {
        if (string.Equals(storage.Trim(), "local", StringComparison.OrdinalIgnoreCase))
        {
            var runs = Path.GetFullPath(outFolder);
            var parent = Path.GetDirectoryName(runs) ?? runs;
            Directory.CreateDirectory(runs);
            // The GpuRunner opens local storage as {root}/runs: possible when the folder is named 'runs'.
            var runner = Path.GetFileName(runs) == StorageFactory.RunsContainer ? "local:" + parent : null;
            return new CliStorage(new LocalArtifactStore(runs), new LazyArtifactStore(() => new LocalArtifactStore(Path.Join(parent, StorageFactory.DatasetsContainer))),
                new SqliteTableStore(Path.Join(runs, StorageFactory.TablesFileName)), $"local folder {runs}", runs, runner);
        }
        var set = StorageFactory.Create(storage);
        return new CliStorage(set.Runs, set.Datasets, set.Tables, set.Description, null, storage);
    }

    /// <summary>Where an artifact is, for people: a file path when local, else the blob name in container <c>runs</c>.</summary>
    public string Locate(string artifact) =>
        LocalRunsFolder is { } root ? Path.Join(root, artifact.Replace('/', Path.DirectorySeparatorChar)) : $"{StorageFactory.RunsContainer}/{artifact}";
}
