using System.Diagnostics.CodeAnalysis;

namespace Twirp;

/// <summary>Wire names and HTTP statuses of <see cref="TwirpErrorCode"/>.</summary>
public static class TwirpErrorCodes
{
    /// <summary>The code's name on the wire, e.g. <c>invalid_argument</c>.</summary>
    public static string ToWireName(this TwirpErrorCode code) => code switch
    {
        TwirpErrorCode.Canceled => "canceled",
        TwirpErrorCode.Unknown => "unknown",
        TwirpErrorCode.InvalidArgument => "invalid_argument",
        TwirpErrorCode.Malformed => "malformed",
        TwirpErrorCode.DeadlineExceeded => "deadline_exceeded",
        TwirpErrorCode.NotFound => "not_found",
        TwirpErrorCode.BadRoute => "bad_route",
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

    /// <summary>The HTTP status a server answers with for this code.</summary>
    public static int ToHttpStatus(this TwirpErrorCode code) => code switch
    {
        TwirpErrorCode.Canceled => 408,
        TwirpErrorCode.Unknown => 500,
        TwirpErrorCode.InvalidArgument => 400,
        TwirpErrorCode.Malformed => 400,
        TwirpErrorCode.DeadlineExceeded => 408,
        TwirpErrorCode.NotFound => 404,
        TwirpErrorCode.BadRoute => 404,
        TwirpErrorCode.AlreadyExists => 409,
        TwirpErrorCode.PermissionDenied => 403,
        TwirpErrorCode.Unauthenticated => 401,
        TwirpErrorCode.ResourceExhausted => 429,
        TwirpErrorCode.FailedPrecondition => 412,
        TwirpErrorCode.Aborted => 409,
        TwirpErrorCode.OutOfRange => 400,
        TwirpErrorCode.Unimplemented => 501,
        TwirpErrorCode.Internal => 500,
        TwirpErrorCode.Unavailable => 503,
        TwirpErrorCode.DataLoss => 500,
        _ => 500,
    };

    /// <summary>
    /// Reads a wire name. Accepts <c>dataloss</c> as well as <c>data_loss</c>, because older Twirp
    /// implementations emit the former.
    /// </summary>
    public static bool TryParse(string? wireName, out TwirpErrorCode code)
    {
        switch (wireName)
        {
            case "canceled": code = TwirpErrorCode.Canceled; return true;
            case "unknown": code = TwirpErrorCode.Unknown; return true;
            case "invalid_argument": code = TwirpErrorCode.InvalidArgument; return true;
            case "malformed": code = TwirpErrorCode.Malformed; return true;
            case "deadline_exceeded": code = TwirpErrorCode.DeadlineExceeded; return true;
            case "not_found": code = TwirpErrorCode.NotFound; return true;
            case "bad_route": code = TwirpErrorCode.BadRoute; return true;
            case "already_exists": code = TwirpErrorCode.AlreadyExists; return true;
            case "permission_denied": code = TwirpErrorCode.PermissionDenied; return true;
            case "unauthenticated": code = TwirpErrorCode.Unauthenticated; return true;
            case "resource_exhausted": code = TwirpErrorCode.ResourceExhausted; return true;
            case "failed_precondition": code = TwirpErrorCode.FailedPrecondition; return true;
            case "aborted": code = TwirpErrorCode.Aborted; return true;
            case "out_of_range": code = TwirpErrorCode.OutOfRange; return true;
            case "unimplemented": code = TwirpErrorCode.Unimplemented; return true;
            case "internal": code = TwirpErrorCode.Internal; return true;
            case "unavailable": code = TwirpErrorCode.Unavailable; return true;
            case "data_loss":
            case "dataloss": code = TwirpErrorCode.DataLoss; return true;
            default: code = TwirpErrorCode.Unknown; return false;
        }
    }
}
