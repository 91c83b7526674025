namespace Twirp;

/// <summary>
/// The one table between Twirp's error codes and Connect's: the Connect code a Twirp code is sent as,
/// the HTTP status Connect gives it (Connect's table differs from Twirp's: <c>canceled</c> is 499,
/// <c>deadline_exceeded</c> 504, <c>failed_precondition</c> 400), and the way back.
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
        TwirpErrorCode.Canceled => "canceled",
        TwirpErrorCode.Unknown => "unknown",
        TwirpErrorCode.InvalidArgument => "invalid_argument",
        TwirpErrorCode.Malformed => "invalid_argument",
        TwirpErrorCode.DeadlineExceeded => "deadline_exceeded",
        TwirpErrorCode.NotFound => "not_found",
        TwirpErrorCode.BadRoute => "unimplemented",
        TwirpErrorCode.AlreadyExists => "already_exists",
        TwirpErrorCode.PermissionDenied => "permission_denied",
        TwirpErrorCode.Unauthenticated => "unauthenticated",
        TwirpErrorCode.ResourceExhausted => "resource_exhausted",
        TwirpErrorCode.FailedPrecondition => "failed_precondition",
        TwirpErrorCode.Aborted => "aborted",
        TwirpErrorCode.OutOfRange => "out_of_range",
        TwirpErrorCode.Unimplemented => "unimplemented",
        TwirpErrorCode.Internal => "internal",
        TwirpErrorCode.Unavailable => "unavailable",
        TwirpErrorCode.DataLoss => "data_loss",
        _ => "unknown",
    };

    /// <summary>
    /// The HTTP status a Connect server answers <paramref name="code"/> with (Connect's table, not
    /// Twirp's). <c>bad_route</c>, a path no method answers, keeps its 404: Connect clients read a 404 as
    /// <c>unimplemented</c>, the code it is sent as.
    /// </summary>
    public static int ToConnectHttpStatus(this TwirpErrorCode code) => code switch
    {
        TwirpErrorCode.Canceled => 499,
        TwirpErrorCode.Unknown => 500,
        TwirpErrorCode.InvalidArgument => 400,
        TwirpErrorCode.Malformed => 400,
        TwirpErrorCode.DeadlineExceeded => 504,
        TwirpErrorCode.NotFound => 404,
        TwirpErrorCode.BadRoute => 404,
        TwirpErrorCode.AlreadyExists => 409,
        TwirpErrorCode.PermissionDenied => 403,
        TwirpErrorCode.Unauthenticated => 401,
        TwirpErrorCode.ResourceExhausted => 429,
        TwirpErrorCode.FailedPrecondition => 400,
        TwirpErrorCode.Aborted => 409,
        TwirpErrorCode.OutOfRange => 400,
        TwirpErrorCode.Unimplemented => 501,
        TwirpErrorCode.Internal => 500,
        TwirpErrorCode.Unavailable => 503,
        TwirpErrorCode.DataLoss => 500,
        _ => 500,
    };

    /// <summary>
    /// Reads a Connect code. Every Connect code is also a Twirp code of the same name; a code this
    /// table does not know is false (callers treat it as <c>unknown</c>, as Connect's spec says).
    /// </summary>
    public static bool TryParse(string? connectCode, out TwirpErrorCode code)
    {
        switch (connectCode)
        {
            case "canceled": code = TwirpErrorCode.Canceled; return true;
            case "unknown": code = TwirpErrorCode.Unknown; return true;
            case "invalid_argument": code = TwirpErrorCode.InvalidArgument; return true;
            case "deadline_exceeded": code = TwirpErrorCode.DeadlineExceeded; return true;
            case "not_found": code = TwirpErrorCode.NotFound; return true;
            case "already_exists": code = TwirpErrorCode.AlreadyExists; return true;
            case "permission_denied": code = TwirpErrorCode.PermissionDenied; return true;
            case "resource_exhausted": code = TwirpErrorCode.ResourceExhausted; return true;
            case "failed_precondition": code = TwirpErrorCode.FailedPrecondition; return true;
            case "aborted": code = TwirpErrorCode.Aborted; return true;
            case "out_of_range": code = TwirpErrorCode.OutOfRange; return true;
            case "unimplemented": code = TwirpErrorCode.Unimplemented; return true;
            case "internal": code = TwirpErrorCode.Internal; return true;
            case "unavailable": code = TwirpErrorCode.Unavailable; return true;
            case "data_loss": code = TwirpErrorCode.DataLoss; return true;
            case "unauthenticated": code = TwirpErrorCode.Unauthenticated; return true;
            default: code = TwirpErrorCode.Unknown; return false;
        }
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
