using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;

namespace HardSamples.Orchestrator.Jobs;

/// <summary>A response ARM gave (2xx or a final 4xx); <see cref="Body"/> is null when empty or not JSON.</summary>
internal sealed record ArmResponse(HttpStatusCode StatusCode, JsonNode? Body)
{
    public bool IsSuccess => (int)StatusCode is >= 200 and < 300;

    /// <summary>ARM's <c>error.code</c> and <c>error.message</c>, when the body carries them.</summary>
    public (string? Code, string? Message) Error =>
        Body?["error"] is JsonObject error ? (error["code"]?.GetValue<string>(), error["message"]?.GetValue<string>()) : (null, null);
}

/// <summary>
/// Minimal ARM REST caller: bearer token from a <see cref="TokenCredential"/> (cached until near expiry), JSON
/// bodies, bounded retries with exponential backoff on 429 (honouring Retry-After), 5xx and network errors.
/// Other 4xx responses are returned for the caller to interpret.
/// </summary>
internal sealed class ArmRestClient(HttpClient http, TokenCredential credential, ContainerAppsJobOptions options)
{
    private static readonly TimeSpan TokenRefreshMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private AccessToken _token;

    public async Task<ArmResponse> SendAsync(HttpMethod method, Uri uri, JsonNode? body, string operation, CancellationToken cancellationToken)
    {
        var attempts = Math.Max(1, options.MaxAttempts);
        for (var attempt = 1; ; attempt++)
        {
            string failure;
            HttpStatusCode? status = null;
            string? armCode = null;
            TimeSpan? retryAfter = null;
            Exception? inner = null;
            try
            {
                using var request = new HttpRequestMessage(method, uri);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await GetTokenAsync(cancellationToken).ConfigureAwait(false));
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (body is not null)
                    request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
                else if (method == HttpMethod.Post)
                    request.Content = new StringContent("", Encoding.UTF8, "application/json");

                using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var result = new ArmResponse(response.StatusCode, ParseJson(text));
                if (!IsTransient(response.StatusCode)) return result;

                status = response.StatusCode;
                (armCode, var message) = result.Error;
                failure = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}{(message is null ? "" : ": " + message)}";
                retryAfter = RetryAfter(response.Headers.RetryAfter);
            }
            catch (HttpRequestException e)
            {
                failure = e.Message;
                inner = e;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = "the request timed out";
                inner = e;
            }

            if (attempt >= attempts)
                throw new ContainerAppsJobException(
                    $"ARM call '{operation}' ({method} {uri.GetLeftPart(UriPartial.Path)}) failed after {attempt} attempt(s): {failure}.",
                    status, armCode, attempt, inner);
            await Task.Delay(Backoff(attempt, retryAfter), cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsTransient(HttpStatusCode status)
        => status == HttpStatusCode.TooManyRequests || status == HttpStatusCode.RequestTimeout
           || ((int)status >= 500 && status != HttpStatusCode.NotImplemented && status != HttpStatusCode.HttpVersionNotSupported);

    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var exponential = options.InitialBackoff * Math.Pow(2, attempt - 1);
        var wait = retryAfter ?? exponential;
        return wait > options.MaxBackoff ? options.MaxBackoff : wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow;
        return null;
    }

    private async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token.Token is not null && _token.ExpiresOn - TokenRefreshMargin > DateTimeOffset.UtcNow) return _token.Token;
        await _tokenLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token.Token is null || _token.ExpiresOn - TokenRefreshMargin <= DateTimeOffset.UtcNow)
                _token = await credential.GetTokenAsync(new TokenRequestContext([options.TokenScope]), cancellationToken).ConfigureAwait(false);
            return _token.Token;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    private static JsonNode? ParseJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        try { return JsonNode.Parse(text); }
        catch (JsonException) { return null; }
    }
}
