using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HardSamples.TestSupport;

/// <summary>What a page did while loading.</summary>
/// <param name="ConsoleErrors">console.error/assert calls, uncaught exceptions and browser log entries of level error (e.g. CSP violations).</param>
/// <param name="Requests">Every URL the page requested (the document itself included).</param>
/// <param name="FailedRequests">URLs whose loading failed, with the reason.</param>
/// <param name="Sections">Top offset and height (CSS px) of each <c>section[id]</c>.</param>
public sealed record PageLoadReport(IReadOnlyList<string> ConsoleErrors, IReadOnlyList<string> Requests, IReadOnlyList<string> FailedRequests,
    IReadOnlyDictionary<string, (double Top, double Height)> Sections)
{
    /// <summary>Requests to anything but the document itself and <c>data:</c> URIs.</summary>
    public IEnumerable<string> ExternalRequests(string documentUrl) =>
        Requests.Where(u => !u.StartsWith("data:", StringComparison.Ordinal) && u != documentUrl);
}

/// <summary>
/// Debian's Chromium driven headless over the Chrome DevTools protocol (a <see cref="ClientWebSocket"/> to
/// <c>--remote-debugging-port</c>): loads a page, records console errors and network requests, takes screenshots.
/// Starts with a fresh profile and no background networking; no skip: a missing browser is an error.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>The browser binary.</summary>
    public const string DefaultPath = "/usr/bin/chromium";

    private readonly Process _process;
    private readonly TempDirectory _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly ConcurrentQueue<JsonObject> _events = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _stderr = [];
    private Task? _receiveLoop;
    private int _nextId;

    private HeadlessChromium(Process process, TempDirectory profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>Starts Chromium and connects to its browser endpoint.</summary>
    /// <exception cref="InvalidOperationException">Chromium is missing or does not start.</exception>
    public static async Task<HeadlessChromium> StartAsync(int width = 1400, int height = 1000, string path = DefaultPath)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"Chromium not found at '{path}'. Install it with 'apt-get install -y chromium' (scripts/install-tools.sh chromium does).");
        var profile = new TempDirectory("chromium");
        var psi = new ProcessStartInfo(path) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions", "--mute-audio",
                     "--hide-scrollbars", $"--window-size={width},{height}", $"--user-data-dir={profile.Path}", "--remote-debugging-port=0", "about:blank",
                 })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start Chromium.");
        var browser = new HeadlessChromium(process, profile);
        var endpoint = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (browser._stderr) browser._stderr.Add(e.Data);
            var m = Regex.Match(e.Data, @"DevTools listening on (ws://\S+)");
            if (m.Success) endpoint.TrySetResult(m.Groups[1].Value);
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var done = await Task.WhenAny(endpoint.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        if (done != endpoint.Task)
        {
            await browser.DisposeAsync();
            throw new InvalidOperationException("Chromium did not open its DevTools endpoint within 30 s: " + string.Join('\n', browser._stderr.TakeLast(10)));
        }
        await browser._socket.ConnectAsync(new Uri(endpoint.Task.Result), CancellationToken.None);
        browser._receiveLoop = Task.Run(browser.ReceiveLoopAsync);
        return browser;
    }

    /// <summary>
    /// Opens <paramref name="url"/> in a new tab, waits for the load event plus <paramref name="settle"/>, and returns what
    /// happened. Keeps the tab for <see cref="ScreenshotAsync"/>.
    /// </summary>
    public async Task<PageLoadReport> LoadAsync(string url, TimeSpan? settle = null)
    {
        var target = await SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        var attached = await SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true });
        _session = attached["sessionId"]!.GetValue<string>();
        foreach (var domain in new[] { "Page.enable", "Runtime.enable", "Log.enable", "Network.enable" }) await SendAsync(domain, session: _session);
        while (_events.TryDequeue(out _)) { }
        var loaded = WaitForEventAsync("Page.loadEventFired", TimeSpan.FromSeconds(60));
        var nav = await SendAsync("Page.navigate", new JsonObject { ["url"] = url }, _session);
        if (nav["errorText"] is { } err) throw new InvalidOperationException($"Navigation to {url} failed: {err}");
        await loaded;
        await Task.Delay(settle ?? TimeSpan.FromMilliseconds(700));
        var errors = new List<string>();
        var requests = new List<string>();
        var failed = new List<string>();
        var requestUrls = new Dictionary<string, string>();
        foreach (var e in _events.ToArray())
        {
            if (e["sessionId"]?.GetValue<string>() != _session) continue;
            var p = e["params"]!.AsObject();
            switch (e["method"]!.GetValue<string>())
            {
                case "Runtime.consoleAPICalled" when p["type"]!.GetValue<string>() is "error" or "assert":
                    errors.Add("console." + p["type"] + ": " + string.Join(" ", p["args"]!.AsArray().Select(a => a?["value"]?.ToString() ?? a?["description"]?.ToString())));
                    break;
                case "Runtime.exceptionThrown":
                    errors.Add("exception: " + (p["exceptionDetails"]?["exception"]?["description"] ?? p["exceptionDetails"]?["text"]));
                    break;
                case "Log.entryAdded" when p["entry"]!["level"]!.GetValue<string>() == "error":
                    errors.Add($"log ({p["entry"]!["source"]}): {p["entry"]!["text"]} {p["entry"]!["url"]}");
                    break;
                case "Network.requestWillBeSent":
                    var u = p["request"]!["url"]!.GetValue<string>();
                    requests.Add(u);
                    requestUrls[p["requestId"]!.GetValue<string>()] = u;
                    break;
                case "Network.loadingFailed":
                    failed.Add($"{requestUrls.GetValueOrDefault(p["requestId"]!.GetValue<string>(), "?")}: {p["errorText"]}{(p["blockedReason"] is { } b ? " (" + b + ")" : "")}");
                    break;
            }
        }
        var sectionsJson = await EvaluateAsync("JSON.stringify([...document.querySelectorAll('section[id]')].map(s => { const r = s.getBoundingClientRect(); return [s.id, r.top + window.scrollY, r.height]; }))");
        var sections = JsonNode.Parse(sectionsJson)!.AsArray().ToDictionary(a => a![0]!.GetValue<string>(), a => (a![1]!.GetValue<double>(), a![2]!.GetValue<double>()));
        return new PageLoadReport(errors, requests, failed, sections);
    }

    private string? _session;

    /// <summary>PNG screenshot of the loaded page: the whole page, or the region <paramref name="top"/>..+<paramref name="height"/> (CSS px).</summary>
    public async Task<byte[]> ScreenshotAsync(double? top = null, double? height = null)
    {
        if (_session is null) throw new InvalidOperationException("Load a page first.");
        var metrics = await SendAsync("Page.getLayoutMetrics", session: _session);
        var size = metrics["cssContentSize"] ?? metrics["contentSize"];
        var w = size!["width"]!.GetValue<double>();
        var h = size["height"]!.GetValue<double>();
        var clip = new JsonObject
        {
            ["x"] = 0, ["y"] = top ?? 0, ["width"] = w, ["height"] = Math.Min(height ?? h, h - (top ?? 0)), ["scale"] = 1,
        };
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true, ["clip"] = clip }, _session);
        return Convert.FromBase64String(shot["data"]!.GetValue<string>());
    }

    /// <summary>Evaluates a JavaScript expression in the page (DevTools evaluation; not subject to the page's CSP) and returns its string value.</summary>
    public async Task<string> EvaluateAsync(string expression)
    {
        var r = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true }, _session);
        if (r["exceptionDetails"] is { } ex) throw new InvalidOperationException("Evaluation failed: " + ex);
        return r["result"]!["value"]!.ToString();
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null, string? session = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var msg = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (session is not null) msg["sessionId"] = session;
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        await _socket.SendAsync(Encoding.UTF8.GetBytes(msg.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token);
        var done = await Task.WhenAny(tcs.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        if (done != tcs.Task) throw new TimeoutException($"DevTools call {method} got no answer within 60 s.");
        var reply = tcs.Task.Result;
        if (reply["error"] is { } error) throw new InvalidOperationException($"DevTools call {method} failed: {error.ToJsonString()}");
        return reply["result"]?.AsObject() ?? new JsonObject();
    }

    private async Task WaitForEventAsync(string method, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_events.Any(e => e["method"]?.GetValue<string>() == method)) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No {method} within {timeout.TotalSeconds:0} s.");
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 20];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
            {
                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                if (node["id"] is { } id && _pending.TryRemove(id.GetValue<int>(), out var tcs)) tcs.TrySetResult(node);
                else if (node["method"] is not null) _events.Enqueue(node);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException) { }
        foreach (var p in _pending.Values) p.TrySetException(new InvalidOperationException("The DevTools connection closed."));
    }

    /// <summary>Closes the browser (SIGTERM, then kill) and deletes its profile.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                try { await SendAsync("Browser.close"); } catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or WebSocketException) { }
            }
        }
        finally
        {
            _stop.Cancel();
            if (!_process.HasExited)
            {
                _ = kill(_process.Id, 15);
                if (!_process.WaitForExit(3000)) _process.Kill(entireProcessTree: true);
            }
            _process.WaitForExit(5000);
            _process.Dispose();
            _socket.Dispose();
            if (_receiveLoop is not null) await Task.WhenAny(_receiveLoop, Task.Delay(2000));
            _profile.Dispose();
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
