using System.CommandLine;
using HardSamples.Shared.Runs;
using HardSamples.Shared.Storage;
using HardSamples.Shared.Storage.Local;

namespace HardSamples.Cli.Commands;

/// <summary>The <c>--run</c>, <c>--runs</c> and <c>--storage</c> options shared by the result commands, and the store they name.</summary>
internal sealed class RunStoreOptions
{
    public Option<string> Run { get; } = new("--run") { Description = "Run id", Required = true };

    public Option<string> Runs { get; } = new("--runs") { Description = "Local folder holding run folders ({runs}/{runId}/…)", DefaultValueFactory = _ => "./runs" };

    public Option<string?> Storage { get; } = new("--storage") { Description = "Storage instead of --runs: local:PATH, an Azure connection string or a blob service URI" };

    public void AddTo(Command command)
    {
        command.Options.Add(Run);
        command.Options.Add(Runs);
        command.Options.Add(Storage);
    }

    /// <summary>The store and, for local stores, its folder. A <c>--runs</c> folder laid out by the storage factory (<c>PATH/runs/{runId}</c>) is accepted too.</summary>
    public (IArtifactStore Store, string? LocalRoot, string RunId) Resolve(ParseResult parseResult)
    {
        var runId = RunBlobNames.ValidateRunId(parseResult.GetValue(Run)!);
        var storage = parseResult.GetValue(Storage);
        if (!string.IsNullOrWhiteSpace(storage))
        {
            var set = StorageFactory.Create(storage);
            return (set.Runs, set.Runs is LocalArtifactStore l ? l.RootFolder : null, runId);
        }
        var root = Path.GetFullPath(parseResult.GetValue(Runs)!);
        if (!Directory.Exists(Path.Combine(root, runId)) && Directory.Exists(Path.Combine(root, StorageFactory.RunsContainer, runId)))
            root = Path.Combine(root, StorageFactory.RunsContainer);
        if (!Directory.Exists(root)) throw new RunNotFoundException(runId);
        return (new LocalArtifactStore(root), root, runId);
    }

    /// <summary>Runs <paramref name="body"/>, turning input errors into one line on stderr and exit code 2.</summary>
    public static async Task<int> GuardAsync(ParseResult parseResult, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDataException or RunNotFoundException or ArtifactNotFoundException or FileNotFoundException or DirectoryNotFoundException)
        {
            await parseResult.InvocationConfiguration.Error.WriteLineAsync("error: " + ex.Message);
            return 2;
        }
    }
}
