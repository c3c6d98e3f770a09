using System.Text.Json;
using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;

namespace HardSamples.Workflow.Status;

/// <summary>
/// Keeps <c>{runId}/manifest.json</c> and the run's row of the runs table (default <see cref="TableName"/>, partition
/// <see cref="Partition"/>, row key = run id) in step. A finished or cancelled run is only reopened by a
/// <see cref="RunStatus.Pending"/> update (an explicit restart, e.g. <c>--resume</c>); late updates of a stopped
/// orchestration are ignored.
/// </summary>
public sealed class RunStatusStore(IArtifactStore artifacts, ITableStore tables, string tableName = RunStatusStore.TableName) : IRunStatusStore
{
    /// <summary>Default name of the runs table.</summary>
    public const string TableName = "Runs";

    /// <summary>The single partition of the runs table.</summary>
    public const string Partition = "runs";

    /// <summary>Longest stored error text (Azure string properties hold 32K characters).</summary>
    public const int MaxErrorLength = 8000;

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <inheritdoc />
    public async Task<RunManifest> ApplyAsync(RunStatusUpdate update, CancellationToken cancellationToken = default)
    {
        RunIds.Validate(update.RunId);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var current = await ArtifactJson.TryReadAsync<RunManifest>(artifacts, RunLayout.Manifest(update.RunId), cancellationToken);
            if (current is not null && update.Status != RunStatus.Pending)
            {
                // A cancelled run stays cancelled, and a succeeded one is not reopened by a late update.
                if (current.Status == RunStatus.Cancelled) return current;
                if (current.Status == RunStatus.Succeeded && update.Status == RunStatus.Running) return current;
            }
            var terminal = update.Status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled;
            var results = new Dictionary<string, string>(current?.Results ?? new Dictionary<string, string>());
            if (update.Results is not null)
            {
                foreach (var (k, v) in update.Results) results[k] = v;
            }
            var manifest = new RunManifest
            {
                RunId = update.RunId,
                Status = update.Status,
                Stage = update.Stage,
                Progress = Math.Clamp(update.Progress, 0, 1),
                Message = update.Message,
                Error = Truncate(update.Error),
                Dataset = update.Dataset ?? current?.Dataset,
                RequestName = RunLayout.Request(update.RunId),
                DatasetPrefix = update.DatasetPrefix ?? current?.DatasetPrefix,
                Results = results,
                Jobs = update.Jobs?.Select(j => new RunManifestJob(j.JobId, j.Probe, j.OutputPrefix, j.Status, j.Attempts, j.Reused, Truncate(j.Error))).ToList()
                       ?? current?.Jobs ?? [],
                CreatedAt = current?.CreatedAt ?? update.At,
                UpdatedAt = update.At,
                FinishedAt = terminal ? update.At : null,
            };
            await ArtifactJson.WriteAsync(artifacts, RunLayout.Manifest(update.RunId), manifest, cancellationToken);
            await tables.EnsureTableAsync(tableName, cancellationToken);
            await tables.UpsertBatchAsync(tableName, [ToRow(manifest)], cancellationToken);
            return manifest;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<RunManifest?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        RunIds.Validate(runId);
        return await ArtifactJson.TryReadAsync<RunManifest>(artifacts, RunLayout.Manifest(runId), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunManifest>> ListAsync(CancellationToken cancellationToken = default)
    {
        await tables.EnsureTableAsync(tableName, cancellationToken);
        var list = new List<RunManifest>();
        await foreach (var row in tables.QueryPartitionAsync(tableName, Partition, cancellationToken))
        {
            list.Add(FromRow(row));
        }
        return list.OrderByDescending(m => m.CreatedAt).ToList();
    }

    /// <summary>The table row for a manifest (status, stage, progress, timestamps, error, result links).</summary>
    public static TableRow ToRow(RunManifest m)
    {
        var properties = new Dictionary<string, object?>
        {
            ["Status"] = m.Status.ToString(),
            ["Stage"] = m.Stage,
            ["Progress"] = m.Progress,
            ["Message"] = m.Message,
            ["Error"] = m.Error,
            ["Dataset"] = m.Dataset,
            ["DatasetPrefix"] = m.DatasetPrefix,
            ["CreatedAt"] = m.CreatedAt,
            ["UpdatedAt"] = m.UpdatedAt,
            ["FinishedAt"] = m.FinishedAt,
            ["Results"] = JsonSerializer.Serialize(m.Results),
            ["Jobs"] = JsonSerializer.Serialize(m.Jobs.Select(j => $"{j.JobId}:{j.Status}").ToArray()),
        };
        foreach (var (role, name) in m.Results) properties["Result_" + Sanitize(role)] = name;
        return new TableRow(Partition, m.RunId, properties);
    }

    /// <summary>The manifest fields a table row carries.</summary>
    public static RunManifest FromRow(TableRow row) => new()
    {
        RunId = row.RowKey,
        Status = Enum.TryParse<RunStatus>(row.Get<string>("Status"), out var s) ? s : RunStatus.Pending,
        Stage = row.Get<string>("Stage") ?? "pending",
        Progress = row.Get<double>("Progress"),
        Message = row.Get<string>("Message"),
        Error = row.Get<string>("Error"),
        Dataset = row.Get<string>("Dataset"),
        DatasetPrefix = row.Get<string>("DatasetPrefix"),
        CreatedAt = row.Properties.TryGetValue("CreatedAt", out var c) && c is DateTimeOffset ct ? ct : default,
        UpdatedAt = row.Properties.TryGetValue("UpdatedAt", out var u) && u is DateTimeOffset ut ? ut : default,
        FinishedAt = row.Properties.TryGetValue("FinishedAt", out var f) && f is DateTimeOffset ft ? ft : null,
        Results = row.Get<string>("Results") is { Length: > 0 } json
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? new Dictionary<string, string>()
            : new Dictionary<string, string>(),
    };

    private static string? Truncate(string? s) => s is null || s.Length <= MaxErrorLength ? s : s[..MaxErrorLength] + "…";

    private static string Sanitize(string role) => new(role.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
}
