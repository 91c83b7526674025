using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>The HTTP side of Twirp errors.</summary>
internal static class TwirpHttp
{
    /// <summary>
    /// Answers with <paramref name="error"/> in the protocol the request speaks (see
    /// <see cref="TwirpProtocolDetection"/>): what middleware and authorization use, outside a call.
    /// </summary>
    public static ValueTask WriteErrorAsync(HttpContext httpContext, TwirpException error, CancellationToken cancellationToken) =>
        TwirpProtocolDetection.IsConnect(httpContext.Request)
            ? ConnectHttp.WriteErrorAsync(httpContext, error, trailers: null, cancellationToken)
            : WriteTwirpErrorAsync(httpContext, error, cancellationToken);

    /// <summary>
    /// Writes <paramref name="error"/> as the whole Twirp response: its status, <c>application/json</c>, the
    /// error body. Headers set earlier by the handler or hooks are kept, as Twirp Go keeps them.
    /// </summary>
    public static async ValueTask WriteTwirpErrorAsync(HttpContext httpContext, TwirpException error, CancellationToken cancellationToken)
    {
        var response = httpContext.Response;
        using var body = new PooledBufferWriter(128);
        TwirpErrorJson.Write(body, error.Code, error.Message, error.Meta);
        response.StatusCode = error.Code.ToHttpStatus();
        response.ContentType = TwirpContentTypes.Json;
        response.ContentLength = body.WrittenCount;
        body.WrittenSpan.CopyTo(response.BodyWriter.GetSpan(body.WrittenCount));
        response.BodyWriter.Advance(body.WrittenCount);
        await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
