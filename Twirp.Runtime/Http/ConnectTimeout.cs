using System;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>Reads <c>Connect-Timeout-Ms</c>: the call's timeout, up to 10 digits of milliseconds.</summary>
internal static class ConnectTimeout
{
    /// <summary>
    /// The timeout the request asks for, null when it asks for none. A value that is not 1 to 10 digits
    /// is <paramref name="error"/> (<c>invalid_argument</c>, as connect-go answers). A timeout beyond what
    /// a timer can wait (about 24 days) is no timeout.
    /// </summary>
    public static TimeSpan? Read(HttpRequest request, out TwirpException? error)
    {
        error = null;
        var header = request.Headers[ConnectProtocol.TimeoutHeader];
        if (header.Count == 0)
        {
            return null;
        }
        var text = header.Count == 1 ? header[0].AsSpan() : ReadOnlySpan<char>.Empty;
        if (text.Length is 0 or > 10 || !long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var milliseconds))
        {
            error = new TwirpException(TwirpErrorCode.InvalidArgument, $"{ConnectProtocol.TimeoutHeader} must be 1 to 10 digits: got \"{header}\"");
            return null;
        }
        return milliseconds > int.MaxValue - 1 ? null : TimeSpan.FromMilliseconds(milliseconds);
    }
}
