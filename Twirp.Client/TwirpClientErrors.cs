using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Twirp;

/// <summary>
/// Turns a non-200 response into a <see cref="TwirpException"/>: a Twirp answer the way Twirp Go's
/// client does, a Connect answer the way connect-go's does, so a caller sees the same error whichever
/// language the client is written in.
/// </summary>
internal static class TwirpClientErrors
{
    public const string IntermediaryMetaKey = "http_error_from_intermediary";
    public const string StatusCodeMetaKey = "status_code";
    public const string BodyMetaKey = "body";
    public const string LocationMetaKey = "location";
    public const string ConnectCodeMetaKey = "connect_code";

    public static async Task<TwirpException> FromResponseAsync(HttpResponseMessage response, TwirpProtocol protocol, long? maxBodySize, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and <= 399)
        {
            // Clients do not follow redirects (a Twirp call is a POST; a Connect GET is answered by the
            // service itself): a redirect comes from something between us and the service.
            var location = response.Headers.Location?.OriginalString ?? string.Empty;
            return FromIntermediary(protocol, status,
                $"unexpected HTTP status code {status} \"{response.ReasonPhrase}\" received, Location=\"{location}\"",
                LocationMetaKey, location);
        }

        // Cut at the limit rather than failed: an oversized error body (a proxy's HTML page) is still
        // reported with its status, and cannot be a valid error body anyway.
        TwirpResponseBody read;
        try
        {
            read = await TwirpResponseBody.ReadAsync(response.Content, maxBodySize, truncate: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            return Unreadable(status, exception);
        }
        using var body = read;
        if (protocol == TwirpProtocol.Connect)
        {
            return FromConnectBody(status, response.ReasonPhrase, body);
        }
        if (body.Truncated || !TwirpErrorJson.TryRead(body.Span, out var codeName, out var message, out var meta) || string.IsNullOrEmpty(codeName))
        {
            return FromIntermediary(protocol, status,
                $"Error from intermediary with HTTP status code {status} \"{response.ReasonPhrase}\"",
                BodyMetaKey, DecodeBody(body.Span));
        }
        if (!TwirpErrorCodes.TryParse(codeName, out var code))
        {
            return new TwirpException(TwirpErrorCode.Internal, "invalid type returned from server error response: " + codeName,
                new Dictionary<string, string>(1) { [BodyMetaKey] = DecodeBody(body.Span) });
        }
        return new TwirpException(code, message, meta);
    }

    /// <summary>
    /// A Connect error body: its code is a Twirp code of the same name (an unknown one is <c>unknown</c>,
    /// as Connect's spec says, and is kept in meta <c>connect_code</c>); its details become
    /// <see cref="TwirpException.Details"/>. Without a Connect body the status decides, by Connect's
    /// table rather than Twirp's.
    /// </summary>
    private static TwirpException FromConnectBody(int status, string? reasonPhrase, TwirpResponseBody body)
    {
        if (body.Truncated || !ConnectErrorJson.TryRead(body.Span, out var connectCode, out var message, out var details))
        {
            return FromIntermediary(TwirpProtocol.Connect, status,
                $"HTTP status code {status} \"{reasonPhrase}\" without a Connect error body",
                BodyMetaKey, DecodeBody(body.Span));
        }
        IReadOnlyDictionary<string, string>? meta = null;
        if (!ConnectErrorCodes.TryParse(connectCode, out var code))
        {
            meta = new Dictionary<string, string>(1, StringComparer.Ordinal) { [ConnectCodeMetaKey] = connectCode! };
        }
        var error = new TwirpException(code, message, meta);
        return details.Count == 0 ? error : error.WithDetails(details.ToArray());
    }

    /// <summary>
    /// The connection broke while the error body was read (the server or a proxy cut it mid-body):
    /// Twirp Go's client calls that <c>internal</c> "failed to read server error response body", on
    /// either protocol, since no code was received. The status that did arrive stays in meta and the
    /// transport's exception is the cause.
    /// </summary>
    private static TwirpException Unreadable(int status, Exception transportFailure) =>
        new(TwirpErrorCode.Internal, "failed to read server error response body: " + transportFailure.Message,
            new Dictionary<string, string>(1, StringComparer.Ordinal) { [StatusCodeMetaKey] = status.ToString(CultureInfo.InvariantCulture) },
            transportFailure);

    /// <summary>Twirp Go's mapping of a status without a Twirp error body to a code.</summary>
    public static TwirpErrorCode CodeForIntermediaryStatus(int status) => status switch
    {
        >= 300 and <= 399 => TwirpErrorCode.Internal,
        400 => TwirpErrorCode.Internal,
        401 => TwirpErrorCode.Unauthenticated,
        403 => TwirpErrorCode.PermissionDenied,
        404 => TwirpErrorCode.BadRoute,
        429 => TwirpErrorCode.ResourceExhausted,
        502 or 503 or 504 => TwirpErrorCode.Unavailable,
        _ => TwirpErrorCode.Unknown,
    };

    private static TwirpException FromIntermediary(TwirpProtocol protocol, int status, string message, string detailKey, string detail) =>
        new(protocol == TwirpProtocol.Connect ? ConnectErrorCodes.FromHttpStatus(status) : CodeForIntermediaryStatus(status), message, new Dictionary<string, string>(3, StringComparer.Ordinal)
        {
            [IntermediaryMetaKey] = "true",
            [StatusCodeMetaKey] = status.ToString(CultureInfo.InvariantCulture),
            [detailKey] = detail,
        });

    private static string DecodeBody(ReadOnlySpan<byte> body) => System.Text.Encoding.UTF8.GetString(body);
}
