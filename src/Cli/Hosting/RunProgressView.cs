using System.Globalization;
using HardSamples.Cli.Jobs;
using HardSamples.Workflow;
using Microsoft.DurableTask.Client;
using Spectre.Console;

namespace HardSamples.Cli.Hosting;

/// <summary>
/// Follows one orchestration until it ends: Spectre.Console progress bars (overall, current stage, one per probe job)
/// on a terminal, plain lines otherwise. Everything shown comes from the orchestration's custom status
/// (<see cref="RunProgress"/>) and the launcher's <see cref="JobProgressBoard"/>.
/// </summary>
internal static class RunProgressView
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(400);

    /// <summary>Waits for the run to end and returns its final metadata.</summary>
    public static async Task<OrchestrationMetadata> FollowAsync(DurableTaskClient client, string runId, JobProgressBoard board, bool interactive, CancellationToken ct)
    {
        if (!interactive) return await FollowPlainAsync(client, runId, board, ct);
        OrchestrationMetadata? final = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var overall = context.AddTask("[bold]run[/]", maxValue: 1.0);
                var stage = context.AddTask("stage", maxValue: 1.0);
                var jobs = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                while (true)
                {
                    var md = await client.GetInstanceAsync(runId, getInputsAndOutputs: true, ct);
                    var p = Progress(md);
                    if (p is not null)
                    {
                        overall.Value = p.Progress;
                        overall.Description = $"[bold]run[/] {Markup.Escape(runId)}";
                        stage.Description = Markup.Escape($"{p.Stage}: {p.Detail ?? ""}".TrimEnd(' ', ':'));
                        stage.MaxValue = Math.Max(1, p.Total);
                        stage.Value = p.Total == 0 ? 0 : p.Done;
                    }
                    foreach (var line in board.Snapshot())
                    {
                        if (!jobs.TryGetValue(line.JobId, out var task)) jobs[line.JobId] = task = context.AddTask(line.JobId, maxValue: 1);
                        task.MaxValue = Math.Max(1, line.Total);
                        task.Value = Math.Min(line.Done, task.MaxValue);
                        var loss = double.IsFinite(line.Loss) ? string.Create(CultureInfo.InvariantCulture, $" loss {line.Loss:G4}") : "";
                        task.Description = Markup.Escape($"  {line.JobId} {line.Phase} {line.Done}/{line.Total}{loss}");
                    }
                    if (md is null || md.IsCompleted)
                    {
                        final = md;
                        if (md?.RuntimeStatus == OrchestrationRuntimeStatus.Completed) { overall.Value = 1; stage.Value = stage.MaxValue; }
                        break;
                    }
                    await Task.Delay(Tick, ct);
                }
            });
        return final ?? throw new InvalidOperationException($"Run '{runId}' disappeared from the local host.");
    }

    private static async Task<OrchestrationMetadata> FollowPlainAsync(DurableTaskClient client, string runId, JobProgressBoard board, CancellationToken ct)
    {
        var last = "";
        var lastJobs = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var md = await client.GetInstanceAsync(runId, getInputsAndOutputs: true, ct)
                     ?? throw new InvalidOperationException($"Run '{runId}' disappeared from the local host.");
            var p = Progress(md);
            var text = p is null ? "" : string.Create(CultureInfo.InvariantCulture, $"[{p.Progress * 100,3:0}%] {p.Stage}: {p.Detail}");
            if (text.Length > 0 && text != last) Console.WriteLine(last = text);
            foreach (var line in board.Snapshot())
            {
                var s = $"{line.Phase} {line.Done}/{line.Total}";
                if (lastJobs.TryGetValue(line.JobId, out var prev) && prev == s) continue;
                lastJobs[line.JobId] = s;
                var loss = double.IsFinite(line.Loss) ? string.Create(CultureInfo.InvariantCulture, $" loss {line.Loss:G4}") : "";
                Console.WriteLine($"       {line.JobId}: {s}{loss}");
            }
            if (md.IsCompleted) return md;
            await Task.Delay(Tick, ct);
        }
    }

    private static RunProgress? Progress(OrchestrationMetadata? md)
    {
        if (md?.SerializedCustomStatus is not { Length: > 0 }) return null;
        try
        {
            return md.ReadCustomStatusAs<RunProgress>();
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
