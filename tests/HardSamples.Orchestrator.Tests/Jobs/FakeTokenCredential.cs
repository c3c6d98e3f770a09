using System.Collections.Concurrent;
using Azure.Core;

namespace HardSamples.Orchestrator.Tests.Jobs;

/// <summary>Hands out a fixed token and records the scopes asked for.</summary>
public sealed class FakeTokenCredential(string token = "fake-arm-token") : TokenCredential
{
    private readonly ConcurrentQueue<string> _scopes = new();

    public string Token => token;

    public IReadOnlyList<string> Scopes => [.. _scopes];

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes) _scopes.Enqueue(scope);
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
