using System.Text;
using System.Text.Json;
using HardSamples.Orchestrator.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace HardSamples.Orchestrator.Tests.Api;

/// <summary>Builds ASP.NET requests for calling function handlers directly, and reads their results.</summary>
internal static class HttpTestRequests
{
    public static HttpRequest Json(string method, string? body, string contentType = "application/json", bool sendLength = true)
    {
        var context = new DefaultHttpContext();
        var r = context.Request;
        r.Method = method;
        r.Scheme = "https";
        r.Host = new HostString("app.example");
        var bytes = Encoding.UTF8.GetBytes(body ?? "");
        r.Body = new MemoryStream(bytes);
        if (sendLength) r.ContentLength = bytes.Length;
        if (body is not null) r.ContentType = contentType;
        return r;
    }

    public static HttpRequest Get() => Json("GET", null);

    /// <summary>The error text of an error body (summary and details).</summary>
    public static string ErrorText(JsonElement body)
    {
        var text = body.TryGetProperty("error", out var e) ? e.GetString() ?? "" : "";
        if (body.TryGetProperty("details", out var d)) text += " " + string.Join(" ", d.EnumerateArray().Select(x => x.GetString()));
        return text;
    }

    public static (int Status, JsonElement Body) Read(IActionResult result)
    {
        var json = Assert.IsType<JsonResult>(result);
        var text = JsonSerializer.Serialize(json.Value, ApiJson.Options);
        return (json.StatusCode ?? 200, JsonDocument.Parse(text).RootElement.Clone());
    }
}
