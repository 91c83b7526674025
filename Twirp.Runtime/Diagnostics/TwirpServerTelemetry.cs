using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>
/// The server's span and <c>rpc.server.call.duration</c> per call, by the OpenTelemetry RPC conventions.
/// Costs one <see cref="ActivitySource.HasListeners"/> and one <see cref="Instrument.Enabled"/> check per
/// call when nobody listens.
/// </summary>
internal static class TwirpServerTelemetry
{
    private const string HostingActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private static readonly string? Version = RpcConventions.VersionOf(typeof(TwirpServerTelemetry));
    private static readonly ActivitySource Source = new(TwirpDiagnostics.ServerName, Version);
    private static readonly Meter Meter = new(TwirpDiagnostics.ServerName, Version);
    private static readonly Histogram<double> CallDuration = RpcConventions.CreateCallDuration(
        Meter, "rpc.server.call.duration", "Measures the duration of an incoming Twirp call.");

    /// <summary>
    /// Starts observing a call of <paramref name="method"/>, or of a route naming no known method when null.
    /// The context's metadata (request headers, a queued task's metadata) may carry the caller's trace
    /// context; it is only read when someone listens (reading it may create it).
    /// </summary>
    public static TwirpServerCall Start(TwirpMethod? method, TwirpContext context) => Start(method, context.Protocol, context, headers: null);

    /// <summary>Starts observing a request that reached no service, answered without a <see cref="TwirpContext"/>.</summary>
    public static TwirpServerCall StartUnrouted(IHeaderDictionary headers, TwirpProtocol protocol) => Start(method: null, protocol, context: null, headers);

    private static TwirpServerCall Start(TwirpMethod? method, TwirpProtocol protocol, TwirpContext? context, IHeaderDictionary? headers)
    {
        var activity = Source.HasListeners() ? StartActivity(method, protocol, headers ?? context!.RequestHeaders) : null;
        var startTimestamp = activity is not null || CallDuration.Enabled ? Stopwatch.GetTimestamp() : 0;
        return new TwirpServerCall(method, protocol, activity, startTimestamp);
    }

    /// <summary>Ends the span and records the duration, with the call's answer: success when <paramref name="error"/> is null.</summary>
    public static void Stop(in TwirpServerCall call, TwirpException? error)
    {
        if (call.StartTimestamp == 0)
        {
            return;
        }
        var statusCode = error is null ? RpcConventions.Ok : RpcConventions.StatusCodeOf(error.Code, call.Protocol);
        var errorType = error is not null && RpcConventions.IsServerFault(error.Code, call.Protocol) ? statusCode : null;
        if (call.Activity is { } activity)
        {
            if (activity.IsAllDataRequested)
            {
                if (call.Method is null && error?.Meta.TryGetValue("twirp_invalid_route", out var route) == true)
                {
                    // "POST /twirp/pkg.Service/Unknown": the route the client named, without the HTTP method.
                    activity.SetTag(RpcConventions.MethodOriginal, route.Substring(route.IndexOf(' ') + 1));
                }
                activity.SetTag(RpcConventions.ResponseStatusCode, statusCode);
                if (errorType is not null)
                {
                    activity.SetTag(RpcConventions.ErrorType, errorType);
                    activity.SetStatus(ActivityStatusCode.Error);
                }
            }
            activity.Stop();
        }
        if (CallDuration.Enabled)
        {
            var tags = new TagList
            {
                { RpcConventions.SystemName, RpcConventions.SystemNameOf(call.Protocol) },
                { RpcConventions.Method, call.Method?.FullName ?? RpcConventions.OtherMethod },
                { RpcConventions.ResponseStatusCode, statusCode },
            };
            if (errorType is not null)
            {
                tags.Add(RpcConventions.ErrorType, errorType);
            }
            CallDuration.Record(RpcConventions.SecondsSince(call.StartTimestamp), tags);
        }
    }

    private static Activity? StartActivity(TwirpMethod? method, TwirpProtocol protocol, IHeaderDictionary metadata)
    {
        var parent = default(ActivityContext);
        var current = Activity.Current;
        var detached = false;
        if (current is null)
        {
            // ASP.NET Core starts no request activity when nothing would use it, and other transports
            // none at all: the caller's context is then still in the metadata.
            parent = ExtractParent(metadata);
        }
        else if (current.OperationName == HostingActivityName && !current.Source.HasListeners())
        {
            // ASP.NET Core started the request's activity for its logs, but nobody records it: a child
            // of it would point at a span no exporter ever sends. Continue the caller's span instead.
            if (current.ParentSpanId != default)
            {
                parent = new ActivityContext(current.TraceId, current.ParentSpanId, current.ActivityTraceFlags, current.TraceStateString, isRemote: true);
            }
            else
            {
                Activity.Current = null;
                detached = true;
            }
        }

        var systemName = RpcConventions.SystemNameOf(protocol);
        KeyValuePair<string, object?>[] tags =
        [
            new(RpcConventions.SystemName, systemName),
            new(RpcConventions.Method, method?.FullName ?? RpcConventions.OtherMethod),
        ];
        // Named {rpc.method}, or {rpc.system.name} when the method is _OTHER, as the conventions ask.
        var activity = Source.StartActivity(method?.FullName ?? systemName, ActivityKind.Server, parent, tags);
        if (activity is null && detached)
        {
            Activity.Current = current;
        }
        return activity;
    }

    private static ActivityContext ExtractParent(IHeaderDictionary headers)
    {
        DistributedContextPropagator.Current.ExtractTraceIdAndState(
            headers,
            static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
            {
                values = null;
                value = ((IHeaderDictionary)carrier!)[name];
            },
            out var traceParent,
            out var traceState);
        return ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;
    }
}

/// <summary>One observed server call: <see cref="StartTimestamp"/> is 0 when nobody listens.</summary>
internal readonly struct TwirpServerCall(TwirpMethod? method, TwirpProtocol protocol, Activity? activity, long startTimestamp)
{
    public TwirpMethod? Method { get; } = method;

    public TwirpProtocol Protocol { get; } = protocol;

    public Activity? Activity { get; } = activity;

    public long StartTimestamp { get; } = startTimestamp;
}
