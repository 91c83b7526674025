using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Twirp;

/// <summary>
/// The OpenTelemetry RPC semantic conventions (v1.44.0, docs/rpc/, with connect-rpc.md for Connect calls)
/// as both sides of Twirp report them.
/// Compiled into Twirp.Runtime and Twirp.Client (one source, no public surface).
/// </summary>
internal static class RpcConventions
{
    public const string SystemName = "rpc.system.name";
    public const string Method = "rpc.method";
    public const string MethodOriginal = "rpc.method_original";
    public const string ResponseStatusCode = "rpc.response.status_code";
    public const string ErrorType = "error.type";
    public const string ServerAddress = "server.address";
    public const string ServerPort = "server.port";

    /// <summary>The value of <c>rpc.system.name</c> for the Twirp protocol.</summary>
    public const string Twirp = "twirp";

    /// <summary>The value of <c>rpc.system.name</c> the conventions give Connect (<c>rpc.system</c>'s was <c>connect_rpc</c>).</summary>
    public const string ConnectRpc = "connectrpc";

    /// <summary>What <c>rpc.method</c> is when the request names no method the server knows.</summary>
    public const string OtherMethod = "_OTHER";

    /// <summary>
    /// <c>rpc.response.status_code</c> of a success. Twirp has no code for it; the conventions' examples
    /// use <c>OK</c>, spelled here in the lower case of Twirp's own codes so one attribute has one case.
    /// </summary>
    public const string Ok = "ok";

    /// <summary>The protocol the call actually spoke: the same service answers Twirp and Connect calls.</summary>
    public static string SystemNameOf(TwirpProtocol protocol) => protocol == TwirpProtocol.Connect ? ConnectRpc : Twirp;

    /// <summary>
    /// <c>rpc.response.status_code</c> of a failed call: the code as its protocol sends it, so a Connect
    /// call reports Connect's code (<c>malformed</c> is <c>invalid_argument</c>, <c>bad_route</c> is
    /// <c>unimplemented</c>).
    /// </summary>
    public static string StatusCodeOf(TwirpErrorCode code, TwirpProtocol protocol) =>
        protocol == TwirpProtocol.Connect ? code.ToConnectCode() : code.ToWireName();

    /// <summary>
    /// The codes a server counts as its own failure, the gRPC page's list (unknown, deadline_exceeded,
    /// unimplemented, internal, unavailable, data_loss), which the Connect page repeats; a client's mistake
    /// (not_found, invalid_argument) is a correct answer. Under Connect <c>bad_route</c> is sent as
    /// <c>unimplemented</c>, so it is on the list there and not under Twirp.
    /// </summary>
    public static bool IsServerFault(TwirpErrorCode code, TwirpProtocol protocol) => code is TwirpErrorCode.Unknown
        or TwirpErrorCode.DeadlineExceeded or TwirpErrorCode.Unimplemented or TwirpErrorCode.Internal
        or TwirpErrorCode.Unavailable or TwirpErrorCode.DataLoss
        || (code == TwirpErrorCode.BadRoute && protocol == TwirpProtocol.Connect);

    /// <summary>The explicit bucket boundaries the conventions advise for both call-duration histograms.</summary>
    private static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    public static Histogram<double> CreateCallDuration(Meter meter, string name, string description) =>
        meter.CreateHistogram(name, unit: "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    public static string? VersionOf(Type type) => type.Assembly.GetName().Version?.ToString();

    public static double SecondsSince(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
}
