using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HardSamples.Orchestrator;

/// <summary>
/// Anonymous liveness probe: <c>GET /api/health</c>. The one HTTP function without a key (uptime checks carry none);
/// it returns only the app version, never run data. Tests fail on any other anonymous HTTP function.
/// </summary>
public sealed class HealthFunction
{
    /// <summary>The function name.</summary>
    public const string FunctionName = "Health";

    /// <summary>Returns 200 with the app version.</summary>
    [Function(FunctionName)]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
        => new OkObjectResult(new { status = "ok", version = typeof(HealthFunction).Assembly.GetName().Version?.ToString() });
}
