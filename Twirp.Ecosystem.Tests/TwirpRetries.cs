using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Twirp.Ecosystem.Tests;

/// <summary>
/// A retry predicate for the standard resilience handler that knows Twirp: every call is a POST, so
/// the HTTP method says nothing; the Twirp code (told by the status) and the method's
/// <c>idempotency_level</c> do. The recipe in docs/client.md, as the tests run it.
/// </summary>
internal static class TwirpRetries
{
    private static readonly HttpRequestOptionsKey<TwirpMethod> MethodKey = new("Twirp.Method");

    /// <summary>Puts the call's method on its HTTP request, where the resilience handler can read it.</summary>
    public static TwirpClientHooks TagRequests { get; } = new()
    {
        RequestPrepared = static (call, request) =>
        {
            request.Options.Set(MethodKey, call.Method);
            return default;
        },
    };

    public static ValueTask<bool> ShouldRetry(RetryPredicateArguments<HttpResponseMessage> args)
    {
        var request = args.Context.GetRequestMessage();
        var safeToRepeat = request is not null
            && request.Options.TryGetValue(MethodKey, out var method)
            && method.Idempotency != TwirpIdempotency.Unknown;
        return ValueTask.FromResult(args.Outcome switch
        {
            // unavailable (503) and resource_exhausted (429): the server asks to be called again later.
            { Result.StatusCode: HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests } => true,
            // No connection: the request never reached a server.
            { Exception: HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } } => true,
            // The handler may have run: internal, unknown and data_loss (500), deadline_exceeded (408),
            // a connection lost mid-call, an attempt timed out.
            { Result.StatusCode: HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout } => safeToRepeat,
            { Exception: HttpRequestException or TimeoutRejectedException } => safeToRepeat,
            // Everything else is the caller's to fix (4xx) or will not change (501 unimplemented).
            _ => false,
        });
    }
}
