using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HardSamples.Orchestrator.Tests.Jobs;

/// <summary>A request the fake ARM endpoint received.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, string? ContentType, string Body);

/// <summary>A scripted reply.</summary>
public sealed record FakeReply(int Status, string? Json = null, IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>
/// Kestrel on 127.0.0.1 with a random port standing in for Azure Resource Manager. Replies are scripted per
/// method and path: each call takes the next queued reply, and the last one repeats; unscripted paths get 404.
/// </summary>
public sealed class FakeArmServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeReply>> _replies = new();
    private readonly ConcurrentDictionary<string, FakeReply> _last = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    private FakeArmServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static async Task<FakeArmServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeArmServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUri = new Uri(app.Urls.Single().TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Queues replies for <paramref name="method"/> on <paramref name="path"/> (path without query).</summary>
    public void Reply(string method, string path, params FakeReply[] replies)
    {
        var queue = _replies.GetOrAdd(Key(method, path), _ => new ConcurrentQueue<FakeReply>());
        foreach (var reply in replies) queue.Enqueue(reply);
    }

    public IReadOnlyList<RecordedRequest> RequestsTo(string method, string path)
        => Requests.Where(r => r.Method == method && r.Path == path).ToArray();

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var request = new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "",
            context.Request.Headers.Authorization.FirstOrDefault(), context.Request.ContentType, body);
        _requests.Enqueue(request);

        var key = Key(request.Method, request.Path);
        FakeReply? reply = null;
        if (_replies.TryGetValue(key, out var queue) && queue.TryDequeue(out var next)) _last[key] = reply = next;
        else if (_last.TryGetValue(key, out var repeat)) reply = repeat;
        reply ??= new FakeReply(404, """{"error":{"code":"ResourceNotFound","message":"not scripted"}}""");

        context.Response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
        if (reply.Json is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(reply.Json);
        }
    }

    private static string Key(string method, string path) => method.ToUpperInvariant() + " " + path;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
