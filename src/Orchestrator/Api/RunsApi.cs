using HardSamples.Shared.Contracts;
using HardSamples.Shared.Storage;
using HardSamples.Workflow;
using HardSamples.Workflow.Jobs;
using HardSamples.Workflow.Status;
using HardSamples.Workflow.Steps;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace HardSamples.Orchestrator.Api;

/// <summary>
/// The HTTP API (function key on every route): start a run, read its status and one sample's row, cancel it, and
/// the job-completion callback. Handlers validate everything before touching the task hub: a rejected request
/// schedules nothing.
/// </summary>
public sealed class RunsApi(IArtifactStore store, IRunStatusStore status, IJobLauncher launcher, IDatasetCatalog catalog, ITableStore tables, ApiOptions options)
{
    /// <summary><c>POST /api/runs</c>: validated JSON <see cref="RunRequest"/> → 202 with the run id and status URLs.</summary>
    [Function("StartRun")]
    public async Task<IActionResult> StartRun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs")] HttpRequest request,
        [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        var (body, error) = await ApiJson.ReadAsync<RunRequest>(request, options.MaxRunRequestBytes, cancellationToken);
        if (error is not null) return error;
        var problems = RunRequestValidator.Validate(body!);
        if (problems.Count > 0) return ApiJson.Error(StatusCodes.Status400BadRequest, "Invalid run request.", problems);
        if (DatasetReference.Parse(body!.Dataset).Kind == DatasetReferenceKind.LocalPath)
            return ApiJson.Error(StatusCodes.Status400BadRequest, $"Unknown dataset '{body.Dataset}': use one of {string.Join(", ", DatasetReference.Aliases)} or datasets/NAME (a blob in the datasets container).");
        var datasetProblem = await catalog.CheckAsync(body.Dataset, cancellationToken);
        if (datasetProblem is not null) return ApiJson.Error(StatusCodes.Status400BadRequest, datasetProblem);
        try
        {
            var started = await Runs(client).StartAsync(body, cancellationToken);
            var urls = Urls(request, started.RunId!);
            request.HttpContext.Response.Headers.Location = urls.StatusUrl;
            return ApiJson.Result(StatusCodes.Status202Accepted, urls);
        }
        catch (RunConflictException e)
        {
            return ApiJson.Error(StatusCodes.Status409Conflict, e.Message);
        }
    }

    /// <summary><c>GET /api/runs/{runId}</c>: status, stage, progress, timestamps, error, result links and live progress.</summary>
    [Function("GetRun")]
    public async Task<IActionResult> GetRun(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{runId}")] HttpRequest request,
        string runId, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (!RunIds.IsValid(runId)) return InvalidId("run id", runId);
        var view = await Runs(client).GetAsync(runId, cancellationToken);
        if (view is null) return ApiJson.Error(StatusCodes.Status404NotFound, $"Run '{runId}' does not exist.");
        var m = view.Manifest;
        return ApiJson.Result(StatusCodes.Status200OK, new RunStatusResponse(
            runId, m?.Status.ToString() ?? "Pending", m?.Stage, view.Progress?.Progress ?? m?.Progress ?? 0, view.Progress?.Detail ?? m?.Message,
            m?.Error ?? view.Failure, m?.Results ?? new Dictionary<string, string>(), m?.Jobs ?? [], view.Progress?.Jobs,
            m?.CreatedAt, m?.UpdatedAt, m?.FinishedAt, view.RuntimeStatus, Urls(request, runId)));
    }

    /// <summary><c>GET /api/runs/{runId}/samples/{sampleId}</c>: one sample's row (key scores, rank, category).</summary>
    [Function("GetRunSample")]
    public async Task<IActionResult> GetSample(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{runId}/samples/{sampleId}")] HttpRequest request,
        string runId, string sampleId, CancellationToken cancellationToken)
    {
        if (!RunIds.IsValid(runId)) return InvalidId("run id", runId);
        if (!int.TryParse(sampleId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            return ApiJson.Error(StatusCodes.Status400BadRequest, $"Sample id '{Printable(sampleId)}' is not a non-negative integer.");
        var runRequest = await ArtifactJson.TryReadAsync<RunRequest>(store, RunLayout.Request(runId), cancellationToken);
        if (runRequest is null) return ApiJson.Error(StatusCodes.Status404NotFound, $"Run '{runId}' does not exist.");
        var (partition, row) = SampleRows.Locate(runId, id, runRequest.ShardSize);
        await tables.EnsureTableAsync(options.SamplesTable, cancellationToken);
        var found = await tables.GetAsync(options.SamplesTable, partition, row, cancellationToken);
        if (found is null) return ApiJson.Error(StatusCodes.Status404NotFound, $"Run '{runId}' has no row for sample {id} (unknown id, or the run has not published its rows yet).");
        var values = found.Properties.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
        return ApiJson.Result(StatusCodes.Status200OK, new { runId, sampleId = id, values });
    }

    /// <summary><c>POST /api/runs/{runId}/cancel</c>: stops the orchestration and its jobs.</summary>
    [Function("CancelRun")]
    public async Task<IActionResult> CancelRun(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{runId}/cancel")] HttpRequest request,
        string runId, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (!RunIds.IsValid(runId)) return InvalidId("run id", runId);
        var manifest = await status.GetAsync(runId, cancellationToken);
        if (manifest is null) return ApiJson.Error(StatusCodes.Status404NotFound, $"Run '{runId}' does not exist.");
        if (!await Runs(client).CancelAsync(runId, "cancelled through the API", cancellationToken))
            return ApiJson.Error(StatusCodes.Status409Conflict, $"Run '{runId}' already ended ({manifest.Status}).");
        return ApiJson.Result(StatusCodes.Status202Accepted, new { runId, status = RunStatus.Cancelled.ToString() });
    }

    /// <summary>
    /// <c>POST /api/runs/{runId}/jobs/{jobId}/complete</c>: the runner's callback with its <see cref="JobResult"/>;
    /// raises <c>JobCompleted:{jobId}</c> (the orchestrator confirms through the stored result).
    /// </summary>
    [Function("CompleteJob")]
    public async Task<IActionResult> CompleteJob(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{runId}/jobs/{jobId}/complete")] HttpRequest request,
        string runId, string jobId, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken)
    {
        if (!RunIds.IsValid(runId)) return InvalidId("run id", runId);
        if (!RunIds.IsValidJobId(jobId)) return InvalidId("job id", jobId);
        var (result, error) = await ApiJson.ReadAsync<JobResult>(request, options.MaxCompletionBytes, cancellationToken);
        if (error is not null) return error;
        if (result!.RunId != runId || result.JobId != jobId)
            return ApiJson.Error(StatusCodes.Status400BadRequest, $"The result is for run '{Printable(result.RunId)}', job '{Printable(result.JobId)}', not run '{runId}', job '{jobId}'.");
        if (result.Status == JobStatus.Running)
            return ApiJson.Error(StatusCodes.Status400BadRequest, "A completion must carry a final status (Succeeded, Failed or Cancelled), not Running.");
        var delivered = await Runs(client).CompleteJobAsync(runId, new JobCompletedEvent(jobId, null, result.Status, result.Error), cancellationToken);
        return delivered
            ? ApiJson.Result(StatusCodes.Status202Accepted, new { runId, jobId, status = result.Status.ToString() })
            : ApiJson.Error(StatusCodes.Status404NotFound, $"Run '{runId}' is not running.");
    }

    private RunClient Runs(DurableTaskClient client) => new(client, store, status, launcher);

    private static IActionResult InvalidId(string what, string value)
        => ApiJson.Error(StatusCodes.Status400BadRequest, $"The {what} '{Printable(value)}' is invalid: use 3–{RunIds.MaxLength} lower-case letters, digits or '-'.");

    private static RunUrls Urls(HttpRequest request, string runId)
    {
        var root = $"{request.Scheme}://{request.Host}/api/runs/{runId}";
        return new RunUrls(runId, root, root + "/cancel", root + "/samples/{sampleId}");
    }

    private static string Printable(string? s)
    {
        s ??= "";
        var shown = s.Length > 80 ? s[..80] + "…" : s;
        return new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}

/// <summary>Where to follow a run.</summary>
/// <param name="RunId">The run.</param>
/// <param name="StatusUrl"><c>GET</c> for status.</param>
/// <param name="CancelUrl"><c>POST</c> to cancel.</param>
/// <param name="SampleUrlTemplate"><c>GET</c> one sample's row.</param>
public sealed record RunUrls(string RunId, string StatusUrl, string CancelUrl, string SampleUrlTemplate);

/// <summary>The body of <c>GET /api/runs/{runId}</c>.</summary>
public sealed record RunStatusResponse(
    string RunId, string Status, string? Stage, double Progress, string? Message, string? Error,
    IReadOnlyDictionary<string, string> Results, IReadOnlyList<RunManifestJob> Jobs, IReadOnlyDictionary<string, string>? JobStates,
    DateTimeOffset? CreatedAt, DateTimeOffset? UpdatedAt, DateTimeOffset? FinishedAt, string? RuntimeStatus, RunUrls Urls);
