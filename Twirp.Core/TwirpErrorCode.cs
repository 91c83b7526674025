namespace Twirp;

/// <summary>The error codes of the Twirp wire protocol (v7).</summary>
public enum TwirpErrorCode
{
    /// <summary>The operation was cancelled. HTTP 408.</summary>
    Canceled,
    /// <summary>An unknown error. HTTP 500.</summary>
    Unknown,
    /// <summary>The client specified an invalid argument. HTTP 400.</summary>
    InvalidArgument,
    /// <summary>The client sent a message that could not be decoded. HTTP 400.</summary>
    Malformed,
    /// <summary>The operation expired before completion. HTTP 408.</summary>
    DeadlineExceeded,
    /// <summary>Some requested entity was not found. HTTP 404.</summary>
    NotFound,
    /// <summary>The requested URL path wasn't routable to a Twirp service and method. HTTP 404.</summary>
    BadRoute,
    /// <summary>An attempt to create an entity failed because one already exists. HTTP 409.</summary>
    AlreadyExists,
    /// <summary>The caller does not have permission to execute the operation. HTTP 403.</summary>
    PermissionDenied,
    /// <summary>The request does not have valid authentication credentials. HTTP 401.</summary>
    Unauthenticated,
    /// <summary>Some resource has been exhausted or rate-limited. HTTP 429.</summary>
    ResourceExhausted,
    /// <summary>The system is not in a state required for the operation. HTTP 412.</summary>
    FailedPrecondition,
    /// <summary>The operation was aborted, typically due to a concurrency issue. HTTP 409.</summary>
    Aborted,
    /// <summary>The operation was attempted past the valid range. HTTP 400.</summary>
    OutOfRange,
    /// <summary>The operation is not implemented or not supported. HTTP 501.</summary>
    Unimplemented,
    /// <summary>An invariant expected by the system has been broken. HTTP 500.</summary>
    Internal,
    /// <summary>The service is currently unavailable. HTTP 503.</summary>
    Unavailable,
    /// <summary>Unrecoverable data loss or corruption. HTTP 500.</summary>
    DataLoss,
}
