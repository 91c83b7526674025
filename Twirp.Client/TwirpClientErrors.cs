using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Twirp;

/// <summary>
/// Turns a non-200 response into a <see cref="TwirpException"/> the way Twirp Go's client does, so a
/// caller sees the same error whichever language the client is written in.
/// </summary>
internal static class TwirpClientErrors
{
    public const string IntermediaryMetaKey = "http_error_from_intermediary";
    public const string StatusCodeMetaKey = "status_code";
    public const string BodyMetaKey = "body";
    public const string LocationMetaKey = "location";

    public static async Task<TwirpException> FromResponseAsync(HttpResponseMessage response, long? maxBodySize, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and <= 399)
        {
            // Twirp is POST only and clients do not follow redirects: a redirect comes from something
            // between us and the service.
            var location = response.Headers.Location?.OriginalString ?? string.Empty;
            return FromIntermediary(status,
                $"unexpected HTTP status code {status} \"{response.ReasonPhrase}\" received, Location=\"{location}\"",
                LocationMetaKey, location);
        }

        // Cut at the limit rather than failed: an oversized error body (a proxy's HTML page) is still
        // reported with its status, and cannot be a valid Twirp error anyway.
        using var body = await TwirpResponseBody.ReadAsync(response.Content, maxBodySize, truncate: true, cancellationToken).ConfigureAwait(false);
        if (body.Truncated || !TwirpErrorJson.TryRead(body.Span, out var codeName, out var message, out var meta) || string.IsNullOrEmpty(codeName))
        {
            return FromIntermediary(status,
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

    private static TwirpException FromIntermediary(int status, string message, string detailKey, string detail) =>
        new(CodeForIntermediaryStatus(status), message, new Dictionary<string, string>(3, StringComparer.Ordinal)
        {
            [IntermediaryMetaKey] = "true",
            [StatusCodeMetaKey] = status.ToString(CultureInfo.InvariantCulture),
            [detailKey] = detail,
        });

    private static string DecodeBody(ReadOnlySpan<byte> body) => System.Text.Encoding.UTF8.GetString(body);
}
