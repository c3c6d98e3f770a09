using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Core;
using HardSamples.Shared.Contracts;
using HardSamples.Workflow.Jobs;

namespace HardSamples.Orchestrator.Jobs;

/// <summary>
/// Runs probe jobs as executions of an Azure Container Apps job through the ARM REST API: <c>jobs/{job}/start</c>
/// with a template override that adds the job spec (<see cref="JobEnvironment.SpecVariable"/>) to the runner
/// container, <c>executions/{name}</c> for status and <c>executions/{name}/stop</c> to cancel. Idempotent per job:
/// an execution of the same <c>{runId}/{jobId}</c> that is running or succeeded is reused instead of started again.
/// </summary>
public sealed partial class ContainerAppsJobLauncher : IJobLauncher
{
    /// <summary>The <see cref="JobHandle.Launcher"/> value of handles this launcher issues.</summary>
    public const string LauncherKind = "ContainerApps";

    private readonly ArmRestClient _arm;
    private readonly ContainerAppsJobOptions _options;
    private readonly Uri _jobUri;

    /// <summary>Creates the launcher.</summary>
    /// <param name="http">Client for ARM calls (no base address needed).</param>
    /// <param name="credential">Identity calling ARM (managed identity in Azure).</param>
    /// <param name="options">Job location and retry settings.</param>
    public ContainerAppsJobLauncher(HttpClient http, TokenCredential credential, ContainerAppsJobOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(credential);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (value, what) in new[] { (options.SubscriptionId, "subscription id"), (options.ResourceGroup, "resource group"), (options.JobName, "job name") })
        {
            if (string.IsNullOrWhiteSpace(value) || !ArmNameRegex().IsMatch(value))
                throw new ArgumentException($"The Container Apps {what} '{value}' is empty or has characters ARM names cannot contain.", nameof(options));
        }
        _options = options;
        _arm = new ArmRestClient(http, credential, options);
        var baseUri = options.ArmEndpoint.AbsoluteUri.EndsWith('/') ? options.ArmEndpoint : new Uri(options.ArmEndpoint.AbsoluteUri + "/");
        _jobUri = new Uri(baseUri, $"subscriptions/{options.SubscriptionId}/resourceGroups/{options.ResourceGroup}/providers/Microsoft.App/jobs/{options.JobName}");
    }

    /// <inheritdoc />
    public async Task<JobHandle> StartAsync(JobSpec spec, CancellationToken cancellationToken = default)
    {
        var key = JobEnvironment.KeyOf(spec);
        var encoded = JobEnvironment.Encode(spec);

        var existing = await FindReusableExecutionAsync(key, cancellationToken).ConfigureAwait(false);
        if (existing is not null) return new JobHandle(spec.RunId, spec.JobId, existing, LauncherKind);

        var job = await _arm.SendAsync(HttpMethod.Get, Uri(""), null, "get job", cancellationToken).ConfigureAwait(false);
        EnsureSuccess(job, "get job");
        var template = JobTemplateOverride.Build(job.Body, _options.ContainerName, key, encoded, _options.JobName);

        var started = await _arm.SendAsync(HttpMethod.Post, Uri("/start"), template, "start job", cancellationToken).ConfigureAwait(false);
        EnsureSuccess(started, "start job");
        var name = started.Body?["name"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(name))
            throw new ContainerAppsJobException($"ARM accepted the start of job '{_options.JobName}' but returned no execution name.", started.StatusCode);
        return new JobHandle(spec.RunId, spec.JobId, name, LauncherKind);
    }

    /// <inheritdoc />
    public async Task<JobExecutionState> GetStatusAsync(JobHandle handle, CancellationToken cancellationToken = default)
    {
        var execution = ExecutionName(handle);
        var response = await _arm.SendAsync(HttpMethod.Get, Uri($"/executions/{execution}"), null, "get execution", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return new JobExecutionState(JobStatus.Failed, $"Execution '{execution}' of job '{_options.JobName}' no longer exists.");
        EnsureSuccess(response, "get execution");
        return MapStatus(execution, response.Body?["properties"]);
    }

    /// <inheritdoc />
    public async Task CancelAsync(JobHandle handle, CancellationToken cancellationToken = default)
    {
        var execution = ExecutionName(handle);
        var response = await _arm.SendAsync(HttpMethod.Post, Uri($"/executions/{execution}/stop"), null, "stop execution", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound) return;
        EnsureSuccess(response, "stop execution");
    }

    /// <summary>Maps ARM's execution state (Running, Processing, Succeeded, Failed, Degraded, Stopped, Unknown).</summary>
    internal JobExecutionState MapStatus(string execution, JsonNode? properties)
    {
        var status = properties?["status"]?.GetValue<string>() ?? "Unknown";
        var window = $"started {properties?["startTime"]?.GetValue<string>() ?? "?"}, ended {properties?["endTime"]?.GetValue<string>() ?? "?"}";
        return status switch
        {
            "Succeeded" => new JobExecutionState(JobStatus.Succeeded),
            "Failed" or "Degraded" => new JobExecutionState(JobStatus.Failed,
                $"Container Apps execution '{execution}' of job '{_options.JobName}' ended {status} ({window}); see the job's console logs in Log Analytics."),
            "Stopped" => new JobExecutionState(JobStatus.Cancelled, $"Container Apps execution '{execution}' was stopped ({window})."),
            _ => new JobExecutionState(JobStatus.Running, $"Container Apps execution '{execution}' is {status}."),
        };
    }

    private async Task<string?> FindReusableExecutionAsync(string key, CancellationToken cancellationToken)
    {
        var uri = Uri("/executions");
        for (var page = 0; page < _options.MaxExecutionPages && uri is not null; page++)
        {
            var response = await _arm.SendAsync(HttpMethod.Get, uri, null, "list executions", cancellationToken).ConfigureAwait(false);
            EnsureSuccess(response, "list executions");
            foreach (var execution in response.Body?["value"]?.AsArray() ?? [])
            {
                var status = execution?["properties"]?["status"]?.GetValue<string>();
                if (status is "Failed" or "Degraded" or "Stopped") continue;
                if (JobTemplateOverride.CarriesKey(execution?["properties"]?["template"], key))
                    return execution?["name"]?.GetValue<string>();
            }
            var next = response.Body?["nextLink"]?.GetValue<string>();
            uri = string.IsNullOrEmpty(next) ? null : NextLink(next);
        }
        return null;
    }

    private Uri NextLink(string next)
    {
        // Follow only links on the configured ARM host: the bearer token must not leave it.
        var uri = new Uri(next, UriKind.Absolute);
        if (!string.Equals(uri.GetLeftPart(UriPartial.Authority), _options.ArmEndpoint.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
            throw new ContainerAppsJobException($"ARM returned a nextLink on another host ('{uri.Host}'); refusing to send the token there.");
        return uri;
    }

    private Uri Uri(string suffix) => new($"{_jobUri.AbsoluteUri}{suffix}?api-version={_options.ApiVersion}");

    private static string ExecutionName(JobHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.Launcher != LauncherKind)
            throw new ArgumentException($"Handle of job '{handle.JobId}' comes from launcher '{handle.Launcher}', not {LauncherKind}.", nameof(handle));
        if (string.IsNullOrWhiteSpace(handle.ExecutionId) || !ArmNameRegex().IsMatch(handle.ExecutionId))
            throw new ArgumentException($"Execution name '{handle.ExecutionId}' of job '{handle.JobId}' is empty or not a valid ARM name.", nameof(handle));
        return handle.ExecutionId;
    }

    private void EnsureSuccess(ArmResponse response, string operation)
    {
        if (response.IsSuccess) return;
        var (code, message) = response.Error;
        var hint = response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
            ? " Check that the Functions identity holds the job-launcher role on the job (infra/bicep/modules/runner-job.bicep)."
            : "";
        throw new ContainerAppsJobException(
            $"ARM call '{operation}' on job '{_options.JobName}' failed: HTTP {(int)response.StatusCode} {code}{(message is null ? "" : ": " + message)}.{hint}",
            response.StatusCode, code);
    }

    [GeneratedRegex(@"^[-\w\.\(\)]{1,260}$")]
    private static partial Regex ArmNameRegex();
}
