using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Twirp;

/// <summary>
/// The OpenTelemetry RPC semantic conventions (v1.44.0, docs/rpc/) as both sides of Twirp report them.
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

    /// <summary>What <c>rpc.method</c> is when the request names no method the server knows.</summary>
    public const string OtherMethod = "_OTHER";

    /// <summary>
    /// <c>rpc.response.status_code</c> of a success. Twirp has no code for it; the conventions' examples
    /// use <c>OK</c>, spelled here in the lower case of Twirp's own codes so one attribute has one case.
    /// </summary>
    public const string Ok = "ok";

    /// <summary>The explicit bucket boundaries the conventions advise for both call-duration histograms.</summary>
    private static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    public static Histogram<double> CreateCallDuration(Meter meter, string name, string description) =>
        meter.CreateHistogram(name, unit: "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });

    public static string? VersionOf(Type type) => type.Assembly.GetName().Version?.ToString();

    public static double SecondsSince(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
}
