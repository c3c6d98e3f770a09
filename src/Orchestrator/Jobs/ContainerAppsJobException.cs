using System.Net;

namespace HardSamples.Orchestrator.Jobs;

/// <summary>An ARM call for the runner job failed for good (after retries where retrying made sense).</summary>
public sealed class ContainerAppsJobException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ContainerAppsJobException(string message, HttpStatusCode? statusCode = null, string? armErrorCode = null, int attempts = 1, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        ArmErrorCode = armErrorCode;
        Attempts = attempts;
    }

    /// <summary>Last HTTP status, when a response arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>ARM's <c>error.code</c>, when given.</summary>
    public string? ArmErrorCode { get; }

    /// <summary>Attempts made.</summary>
    public int Attempts { get; }
}
