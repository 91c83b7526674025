namespace Twirp;

/// <summary>
/// Connect's error codes, written as what differs from Twirp's table (<see cref="TwirpErrorCodes"/>): the
/// Connect code a Twirp code is sent as, the HTTP status Connect gives it (<c>canceled</c> is 499,
/// <c>deadline_exceeded</c> 504, <c>failed_precondition</c> 400; the rest as Twirp), and the way back.
/// </summary>
public static class ConnectErrorCodes
{
    /// <summary>
    /// The Connect code <paramref name="code"/> is sent as. Connect has every Twirp code but two:
    /// <c>malformed</c> is sent as <c>invalid_argument</c> (as connect-go answers a message it cannot
    /// decode) and <c>bad_route</c> as <c>unimplemented</c> (what Connect clients make of a 404).
    /// </summary>
    public static string ToConnectCode(this TwirpErrorCode code) => code switch
    {
        TwirpErrorCode.Malformed => "invalid_argument",
        TwirpErrorCode.BadRoute => "unimplemented",
        _ => code.ToWireName(),
    };

    /// <summary>
    /// The HTTP status a Connect server answers <paramref name="code"/> with (Connect's table, not
    /// Twirp's). <c>bad_route</c>, a path no method answers, keeps its 404: Connect clients read a 404 as
    /// <c>unimplemented</c>, the code it is sent as.
    /// </summary>
    public static int ToConnectHttpStatus(this TwirpErrorCode code) => code switch
    {
        TwirpErrorCode.Canceled => 499,
        TwirpErrorCode.DeadlineExceeded => 504,
        TwirpErrorCode.FailedPrecondition => 400,
        _ => code.ToHttpStatus(),
    };

    /// <summary>
    /// Reads a Connect code. Every Connect code is also a Twirp code of the same name; a code this
    /// table does not know is false (callers treat it as <c>unknown</c>, as Connect's spec says).
    /// </summary>
    public static bool TryParse(string? connectCode, out TwirpErrorCode code)
    {
        if (connectCode is "malformed" or "bad_route" or "dataloss")
        {
            // Twirp's own spellings, which no Connect server sends.
            code = TwirpErrorCode.Unknown;
            return false;
        }
        return TwirpErrorCodes.TryParse(connectCode, out code);
    }

    /// <summary>
    /// The code a Connect client infers from an HTTP status when the response carries no Connect error
    /// body (a proxy's answer, say): Connect's "HTTP to error code" table, which is not the inverse of
    /// <see cref="ToConnectHttpStatus"/>.
    /// </summary>
    public static TwirpErrorCode FromHttpStatus(int status) => status switch
    {
        400 => TwirpErrorCode.Internal,
        401 => TwirpErrorCode.Unauthenticated,
        403 => TwirpErrorCode.PermissionDenied,
        404 => TwirpErrorCode.Unimplemented,
        429 or 502 or 503 or 504 => TwirpErrorCode.Unavailable,
        _ => TwirpErrorCode.Unknown,
    };
}
