using System;
using System.Threading;
using System.Threading.Tasks;
using Twirp;

namespace Microsoft.AspNetCore.Http;

/// <summary>Twirp errors from outside a handler: middleware, rate limiter rejections, exception handlers.</summary>
public static class TwirpHttpContextExtensions
{
    /// <summary>
    /// Answers with <paramref name="error"/> in the protocol the request speaks: for a Twirp call its
    /// HTTP status, <c>application/json</c> and the <c>{"code","msg","meta"}</c> body; for a Connect call
    /// Connect's status and <c>{"code","message","details"}</c> body. For example in
    /// <c>RateLimiterOptions.OnRejected</c>, so a rejected call gets <c>resource_exhausted</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The response has already started.</exception>
    public static Task WriteTwirpErrorAsync(this HttpContext httpContext, TwirpException error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(error);
        if (httpContext.Response.HasStarted)
        {
            throw new InvalidOperationException("The response has already started; a Twirp error can no longer be written.");
        }
        return TwirpHttp.WriteErrorAsync(httpContext, error, cancellationToken).AsTask();
    }
}
