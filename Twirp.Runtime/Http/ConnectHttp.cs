using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Twirp;

/// <summary>The HTTP side of Connect's unary answers: errors, trailers, and the headers an error's metadata becomes.</summary>
internal static class ConnectHttp
{
    /// <summary>What a Connect server accepts, sent with a 415.</summary>
    public const string AcceptPost = ConnectProtocol.JsonContentType + ", " + ConnectProtocol.ProtoContentType;

    /// <summary>
    /// Writes <paramref name="error"/> as the whole response: Connect's status for its code,
    /// <c>application/json</c>, the <c>{"code","message","details"}</c> body, uncompressed. The error's
    /// metadata becomes response headers (Connect clients read an error's metadata there), except names
    /// that are not valid header names or that the protocol itself uses; <paramref name="trailers"/> are
    /// sent as <c>Trailer-</c> headers. Headers set earlier by the handler or hooks are kept.
    /// </summary>
    public static async ValueTask WriteErrorAsync(HttpContext httpContext, TwirpException error, IHeaderDictionary? trailers, CancellationToken cancellationToken)
    {
        var response = httpContext.Response;
        using var body = new PooledBufferWriter(128);
        ConnectErrorJson.Write(body, error.Code, error.Message, error.Details);
        var headers = response.Headers;
        foreach (var pair in error.Meta)
        {
            if (IsSendableMetadata(pair.Key, pair.Value))
            {
                headers.Append(pair.Key, pair.Value);
            }
        }
        WriteTrailers(headers, trailers);
        headers.Remove(HeaderNames.ContentEncoding);
        response.StatusCode = error.Code.ToConnectHttpStatus();
        response.ContentType = ConnectProtocol.JsonContentType;
        response.ContentLength = body.WrittenCount;
        body.WrittenSpan.CopyTo(response.BodyWriter.GetSpan(body.WrittenCount));
        response.BodyWriter.Advance(body.WrittenCount);
        await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends each trailer as a <c>Trailer-{name}</c> header, as Connect's unary protocol carries them.</summary>
    public static void WriteTrailers(IHeaderDictionary headers, IHeaderDictionary? trailers)
    {
        if (trailers is null)
        {
            return;
        }
        foreach (var pair in trailers)
        {
            headers.Append(ConnectProtocol.TrailerPrefix + pair.Key, pair.Value);
        }
    }

    // A header name is an RFC 9110 token; values must be visible ASCII or spaces, or Kestrel refuses the
    // whole response. Content-* and Connect-* belong to the protocol.
    private static bool IsSendableMetadata(string name, string value)
    {
        if (name.Length == 0
            || name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Connect-", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith(ConnectProtocol.TrailerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        foreach (var c in name)
        {
            if (c > 0x7e || !(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
            {
                return false;
            }
        }
        foreach (var c in value)
        {
            if (c is < ' ' or > '~' && c != '\t')
            {
                return false;
            }
        }
        return true;
    }
}
