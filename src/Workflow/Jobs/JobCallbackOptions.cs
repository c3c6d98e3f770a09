namespace HardSamples.Workflow.Jobs;

/// <summary>
/// Where a remote job reports completion: <c>{BaseUrl}/api/runs/{runId}/jobs/{jobId}/complete?code={FunctionKey}</c>.
/// Empty for local launchers, which raise the completion event themselves.
/// </summary>
public sealed record JobCallbackOptions
{
    /// <summary>Public base URL of the Functions app (e.g. <c>https://app.azurewebsites.net</c>); null = no callback.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>Function key of the completion endpoint (sent as <c>code</c>).</summary>
    public string? FunctionKey { get; init; }

    /// <summary>The callback URL for one job, or null when no base URL is configured.</summary>
    public string? For(string runId, string jobId)
    {
        if (string.IsNullOrWhiteSpace(BaseUrl)) return null;
        var url = $"{BaseUrl.TrimEnd('/')}/api/runs/{Uri.EscapeDataString(runId)}/jobs/{Uri.EscapeDataString(jobId)}/complete";
        return string.IsNullOrEmpty(FunctionKey) ? url : $"{url}?code={Uri.EscapeDataString(FunctionKey)}";
    }
}
