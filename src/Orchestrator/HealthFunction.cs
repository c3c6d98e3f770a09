using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HardSamples.Orchestrator;

/// <summary>Anonymous liveness probe: <c>GET /api/health</c>.</summary>
public sealed class HealthFunction
{
    /// <summary>Returns 200 with the app version.</summary>
    [Function("Health")]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request)
        => new OkObjectResult(new { status = "ok", version = typeof(HealthFunction).Assembly.GetName().Version?.ToString() });
}
