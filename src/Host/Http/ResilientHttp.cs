using System.Net;
using CrmEtl.Host.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CrmEtl.Host.Http;

/// <summary>
/// The HTTP client plugins pull and write back with: each attempt limited in time; a 429 waits what its
/// <c>Retry-After</c> says (seconds or a date), a 5xx or a network error waits a growing, jittered delay, up to
/// <see cref="Attempts"/> attempts; any other answer (a 401, a 404) is the caller's at once. Polly decides.
/// </summary>
internal static class ResilientHttp
{
    public const int Attempts = 6;

    // A server asking for longer than this is treated as down for now: the run fails and the next one tries again.
    private static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(2);

    public static HttpClient Create(TimeSpan? attemptTimeout = null, TimeSpan? firstDelay = null)
    {
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
                MaxRetryAttempts = Attempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = firstDelay ?? TimeSpan.FromMilliseconds(500),
                MaxDelay = LongestWait,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    var request = args.Outcome.Result?.RequestMessage;
                    var why = args.Outcome.Result is { } r ? $"{(int)r.StatusCode} {r.ReasonPhrase}" : args.Outcome.Exception?.GetType().Name;
                    Log.Debug("http", "http.retry", $"{request?.Method} {request?.RequestUri?.GetLeftPart(UriPartial.Path)}: {why}; attempt {args.AttemptNumber + 2} in {args.RetryDelay.TotalSeconds:0.#} s");
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .AddTimeout(attemptTimeout ?? TimeSpan.FromSeconds(60))
            .Build();
        return new HttpClient(new RetryHandler(pipeline) { InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) } })
        {
            Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own limit
        };
    }

    // The server's Retry-After, when it gave one; null lets the backoff decide.
    private static TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        if (response?.Headers.RetryAfter is not { } after) return null;
        var wait = after.Delta ?? (after.Date is { } date ? date - DateTimeOffset.UtcNow : null);
        if (wait is null) return null;
        if (wait < TimeSpan.Zero) return TimeSpan.Zero;
        return wait > LongestWait ? LongestWait : wait;
    }

    private sealed class RetryHandler(ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct) =>
            await pipeline.ExecuteAsync(async token => await base.SendAsync(request, token), ct);
    }
}
