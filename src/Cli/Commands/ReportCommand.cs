using System.CommandLine;
using System.Diagnostics;
using HardSamples.Shared.Reporting;
using HardSamples.Shared.Storage.Local;

namespace HardSamples.Cli.Commands;

/// <summary><c>hardsamples report</c>: renders <c>report/index.html</c> of a run and prints where it is.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var store = new RunStoreOptions();
        var open = new Option<bool>("--open") { Description = "Open the report with xdg-open when available" };
        var command = new Command("report", "Render the run's self-contained HTML report (report/index.html).");
        store.AddTo(command);
        command.Options.Add(open);
        command.SetAction((parseResult, ct) => RunStoreOptions.GuardAsync(parseResult, async () =>
        {
            var (artifacts, _, runId) = store.Resolve(parseResult);
            var outcome = await new ReportBuilder(artifacts).BuildAsync(runId, null, ct);
            var location = artifacts is LocalArtifactStore local ? local.PathOf(outcome.BlobName) : outcome.BlobName;
            var o = parseResult.InvocationConfiguration.Output;
            await o.WriteLineAsync(location);
            foreach (var (what, why) in outcome.Problems.OrderBy(p => p.Key))
                await parseResult.InvocationConfiguration.Error.WriteLineAsync($"note: {what}: {why}");
            if (parseResult.GetValue(open))
            {
                if (artifacts is not LocalArtifactStore) await parseResult.InvocationConfiguration.Error.WriteLineAsync("note: --open needs a local store.");
                else if (FindOnPath("xdg-open") is { } xdg) Process.Start(new ProcessStartInfo(xdg, [location]) { UseShellExecute = false })?.Dispose();
                else await parseResult.InvocationConfiguration.Error.WriteLineAsync("note: xdg-open is not installed; open the file above in a browser.");
            }
            return 0;
        }));
        return command;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
