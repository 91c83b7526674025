using System;
using System.Collections.Generic;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Twirp;

/// <summary>
/// A Twirp error: a code, a human-readable message, string metadata and, for Connect callers, typed
/// details. Thrown by handlers to answer with that error, and by clients when a call fails.
/// </summary>
public class TwirpException : Exception
{
    private static readonly IReadOnlyDictionary<string, string> NoMeta = new Dictionary<string, string>(0);
    private static readonly IReadOnlyList<Any> NoDetails = [];

    /// <summary>Creates an error with a code and message.</summary>
    public TwirpException(TwirpErrorCode code, string message)
        : this(code, message, meta: null, innerException: null)
    {
    }

    /// <summary>Creates an error with a code, message, metadata and an optional cause.</summary>
    public TwirpException(TwirpErrorCode code, string message, IReadOnlyDictionary<string, string>? meta, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        Meta = meta ?? NoMeta;
        Details = NoDetails;
    }

    private TwirpException(TwirpException original, IReadOnlyDictionary<string, string> meta, IReadOnlyList<Any> details)
        : base(original.Message, original.InnerException)
    {
        Code = original.Code;
        Meta = meta;
        Details = details;
    }

    /// <summary>The Twirp error code.</summary>
    public TwirpErrorCode Code { get; }

    /// <summary>Metadata sent on the wire as the error body's <c>meta</c> object.</summary>
    public IReadOnlyDictionary<string, string> Meta { get; }

    /// <summary>
    /// Typed details, each a packed message (<c>google.rpc.ErrorInfo</c>, <c>google.rpc.RetryInfo</c>, your
    /// own). Connect sends them in its error body's <c>details</c>; Twirp's error body has no place for
    /// them, so Twirp callers see <see cref="Meta"/> only.
    /// </summary>
    public IReadOnlyList<Any> Details { get; }

    /// <summary>Returns a copy of this error with one more metadata entry.</summary>
    public TwirpException WithMeta(string key, string value)
    {
        var meta = new Dictionary<string, string>(Meta.Count + 1, StringComparer.Ordinal);
        foreach (var pair in Meta)
        {
            meta[pair.Key] = pair.Value;
        }
        meta[key] = value;
        return new TwirpException(this, meta, Details);
    }

    /// <summary>
    /// Returns a copy of this error with <paramref name="details"/> added after its own; a detail that is
    /// already an <see cref="Any"/> is kept as is, any other message is packed into one.
    /// </summary>
    public TwirpException WithDetails(params IMessage[] details)
    {
        ArgumentNullException.ThrowIfNull(details);
        var all = new List<Any>(Details.Count + details.Length);
        all.AddRange(Details);
        foreach (var detail in details)
        {
            ArgumentNullException.ThrowIfNull(detail, nameof(details));
            all.Add(detail as Any ?? Any.Pack(detail));
        }
        return new TwirpException(this, Meta, all);
    }

    /// <summary>A <see cref="TwirpErrorCode.Canceled"/> error.</summary>
    public static TwirpException Canceled(string message) => new(TwirpErrorCode.Canceled, message);

    /// <summary>
    /// An <see cref="TwirpErrorCode.Unknown"/> error, for failures that fit no other code (for example an
    /// error from another system whose code cannot be mapped). The cause is kept for logging, not sent.
    /// </summary>
    public static TwirpException Unknown(string message, Exception? cause = null) =>
        new(TwirpErrorCode.Unknown, message, meta: null, cause);

    /// <summary>A <see cref="TwirpErrorCode.NotFound"/> error.</summary>
    public static TwirpException NotFound(string message) => new(TwirpErrorCode.NotFound, message);

    /// <summary>
    /// An <see cref="TwirpErrorCode.InvalidArgument"/> error for one argument, in the same shape as
    /// Twirp Go's <c>InvalidArgumentError</c>: message <c>"{argument} {reason}"</c> and meta <c>argument</c>.
    /// </summary>
    public static TwirpException InvalidArgument(string argument, string reason) =>
        new(TwirpErrorCode.InvalidArgument, argument + " " + reason, new Dictionary<string, string>(1) { ["argument"] = argument });

    /// <summary>
    /// A <see cref="TwirpErrorCode.Internal"/> error that keeps <paramref name="cause"/> as the inner
    /// exception for logging. The cause's message is not sent on the wire.
    /// </summary>
    public static TwirpException Internal(string message, Exception? cause = null) =>
        new(TwirpErrorCode.Internal, message, meta: null, cause);

    /// <summary>An <see cref="TwirpErrorCode.Unimplemented"/> error.</summary>
    public static TwirpException Unimplemented(string message) => new(TwirpErrorCode.Unimplemented, message);

    /// <summary>A <see cref="TwirpErrorCode.PermissionDenied"/> error.</summary>
    public static TwirpException PermissionDenied(string message) => new(TwirpErrorCode.PermissionDenied, message);

    /// <summary>An <see cref="TwirpErrorCode.Unauthenticated"/> error.</summary>
    public static TwirpException Unauthenticated(string message) => new(TwirpErrorCode.Unauthenticated, message);

    /// <summary>A <see cref="TwirpErrorCode.Malformed"/> error.</summary>
    public static TwirpException Malformed(string message, Exception? cause = null) =>
        new(TwirpErrorCode.Malformed, message, meta: null, cause);

    /// <summary>An <see cref="TwirpErrorCode.AlreadyExists"/> error.</summary>
    public static TwirpException AlreadyExists(string message) => new(TwirpErrorCode.AlreadyExists, message);

    /// <summary>A <see cref="TwirpErrorCode.FailedPrecondition"/> error.</summary>
    public static TwirpException FailedPrecondition(string message) => new(TwirpErrorCode.FailedPrecondition, message);

    /// <summary>
    /// An <see cref="TwirpErrorCode.Aborted"/> error: the operation lost a concurrency conflict (a
    /// transaction abort, a failed compare-and-swap); the caller may retry the whole read-modify-write.
    /// </summary>
    public static TwirpException Aborted(string message) => new(TwirpErrorCode.Aborted, message);

    /// <summary>
    /// An <see cref="TwirpErrorCode.OutOfRange"/> error: the argument is valid in itself but past the
    /// current end (reading past the end of a list), unlike <see cref="InvalidArgument"/>.
    /// </summary>
    public static TwirpException OutOfRange(string message) => new(TwirpErrorCode.OutOfRange, message);

    /// <summary>
    /// A <see cref="TwirpErrorCode.DataLoss"/> error: unrecoverable data loss or corruption. The cause is
    /// kept for logging, not sent.
    /// </summary>
    public static TwirpException DataLoss(string message, Exception? cause = null) =>
        new(TwirpErrorCode.DataLoss, message, meta: null, cause);

    /// <summary>An <see cref="TwirpErrorCode.Unavailable"/> error.</summary>
    public static TwirpException Unavailable(string message) => new(TwirpErrorCode.Unavailable, message);

    /// <summary>A <see cref="TwirpErrorCode.DeadlineExceeded"/> error.</summary>
    public static TwirpException DeadlineExceeded(string message) => new(TwirpErrorCode.DeadlineExceeded, message);

    /// <summary>A <see cref="TwirpErrorCode.ResourceExhausted"/> error.</summary>
    public static TwirpException ResourceExhausted(string message) => new(TwirpErrorCode.ResourceExhausted, message);

    /// <summary>
    /// A <see cref="TwirpErrorCode.BadRoute"/> error in Twirp Go's shape: meta <c>twirp_invalid_route</c>
    /// is <c>"{httpMethod} {path}"</c>.
    /// </summary>
    public static TwirpException BadRoute(string message, string httpMethod, string path) =>
        new(TwirpErrorCode.BadRoute, message, new Dictionary<string, string>(1) { ["twirp_invalid_route"] = httpMethod + " " + path });
}
