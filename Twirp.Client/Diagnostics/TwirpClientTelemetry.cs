using System;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http;
using System.Net.Http.Headers;

namespace Twirp;

/// <summary>
/// The client's span and <c>rpc.client.call.duration</c> per call, by the OpenTelemetry RPC conventions,
/// for one client (its server's address and port). <see cref="IsEnabled"/> is all a call pays when
/// nobody listens.
/// </summary>
internal sealed class TwirpClientTelemetry
{
    private static readonly string? Version = RpcConventions.VersionOf(typeof(TwirpClientTelemetry));
    private static readonly ActivitySource Source = new(TwirpDiagnostics.ClientName, Version);
    private static readonly Meter Meter = new(TwirpDiagnostics.ClientName, Version);
    private static readonly Histogram<double> CallDuration = RpcConventions.CreateCallDuration(
        Meter, "rpc.client.call.duration", "Measures the duration of an outgoing Twirp call.");

    // Listeners subscribe to sources by name, so this one has exactly the listeners of HttpClient's own.
    private static readonly ActivitySource HttpClientSource = new("System.Net.Http");

    private readonly string _serverAddress;
    private readonly int _serverPort;

    /// <summary>Reports calls to the server at <paramref name="baseAddress"/> (the configured address, never the connection's).</summary>
    public TwirpClientTelemetry(Uri baseAddress)
    {
        _serverAddress = baseAddress.IdnHost;
        _serverPort = baseAddress.Port;
    }

    public static bool IsEnabled => Source.HasListeners() || CallDuration.Enabled;

    /// <summary>
    /// Starts a call's span, which becomes <see cref="Activity.Current"/> so HttpClient propagates its
    /// context. <paramref name="protocol"/> is the one the call speaks (an interceptor may not change it).
    /// </summary>
    public TwirpClientCall Start(TwirpMethod method, TwirpProtocol protocol)
    {
        Activity? activity = null;
        if (Source.HasListeners())
        {
            // The attributes sampling may look at are given at creation, as the conventions ask.
            activity = Source.StartActivity(method.FullName, ActivityKind.Client, parentContext: default,
            [
                new(RpcConventions.SystemName, RpcConventions.SystemNameOf(protocol)),
                new(RpcConventions.Method, method.FullName),
                new(RpcConventions.ServerAddress, _serverAddress),
                new(RpcConventions.ServerPort, _serverPort),
            ]);
        }
        return new TwirpClientCall(method, protocol, activity, Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// Puts the call's span on the wire as the server's parent. HttpClient would send the context of
    /// its own request activity instead, which it starts even when nobody records it: the server span
    /// would then point at a span no exporter sends. When someone does record HttpClient's spans, its
    /// context is the right parent and is left to it.
    /// </summary>
    public static void InjectTraceContext(HttpRequestMessage request)
    {
        if (Activity.Current is { } activity && ReferenceEquals(activity.Source, Source) && !HttpClientSource.HasListeners())
        {
            DistributedContextPropagator.Current.Inject(activity, request.Headers, static (carrier, name, value) =>
            {
                var headers = (HttpRequestHeaders)carrier!;
                headers.Remove(name);
                headers.TryAddWithoutValidation(name, value);
            });
        }
    }

    /// <summary>Ends the span and records the duration: success when <paramref name="failure"/> is null.</summary>
    public void Stop(in TwirpClientCall call, Exception? failure)
    {
        string? statusCode;
        string? errorType;
        if (failure is null)
        {
            statusCode = RpcConventions.Ok;
            errorType = null;
        }
        else if (failure is TwirpException twirpError)
        {
            // Every code a server answers (or the client decides on, e.g. an undecodable body) is a failed call.
            statusCode = RpcConventions.StatusCodeOf(twirpError.Code, call.Protocol);
            errorType = statusCode;
        }
        else
        {
            // No answer at all (connection refused, cancelled, timed out): the exception's type.
            statusCode = null;
            errorType = failure.GetType().FullName;
        }

        if (call.Activity is { } activity)
        {
            if (activity.IsAllDataRequested)
            {
                if (statusCode is not null)
                {
                    activity.SetTag(RpcConventions.ResponseStatusCode, statusCode);
                }
                if (errorType is not null)
                {
                    activity.SetTag(RpcConventions.ErrorType, errorType);
                    activity.SetStatus(ActivityStatusCode.Error, failure is TwirpException ? null : failure!.Message);
                }
            }
            activity.Stop();
        }
        if (CallDuration.Enabled)
        {
            var tags = new TagList
            {
                { RpcConventions.SystemName, RpcConventions.SystemNameOf(call.Protocol) },
                { RpcConventions.Method, call.Method.FullName },
                { RpcConventions.ServerAddress, _serverAddress },
                { RpcConventions.ServerPort, _serverPort },
            };
            if (statusCode is not null)
            {
                tags.Add(RpcConventions.ResponseStatusCode, statusCode);
            }
            if (errorType is not null)
            {
                tags.Add(RpcConventions.ErrorType, errorType);
            }
            CallDuration.Record(RpcConventions.SecondsSince(call.StartTimestamp), tags);
        }
    }
}

/// <summary>One observed client call.</summary>
internal readonly struct TwirpClientCall(TwirpMethod method, TwirpProtocol protocol, Activity? activity, long startTimestamp)
{
    public TwirpMethod Method { get; } = method;

    public TwirpProtocol Protocol { get; } = protocol;

    public Activity? Activity { get; } = activity;

    public long StartTimestamp { get; } = startTimestamp;
}
