using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Twirp;

/// <summary>
/// The one owner of Twirp's <c>bad_route</c> over HTTP: which requests are bad routes, the message
/// Twirp Go gives each, and how the answer is sent. The method endpoints, the catch-all endpoint and the
/// exchange's request check all answer through it.
/// </summary>
internal static class TwirpBadRoutes
{
    /// <summary>Only <c>POST</c>, compared as Twirp Go does: case-sensitively (<c>post</c> is a bad route).</summary>
    public static bool IsTwirpMethod(string method) => string.Equals(method, HttpMethods.Post, StringComparison.Ordinal);

    /// <summary>
    /// The <c>bad_route</c> Twirp Go answers, checked in its order: HTTP method, prefix, then path. A
    /// Connect request is not held to Twirp's POST: a path no method answers is its only fault.
    /// </summary>
    public static TwirpException Describe(HttpContext httpContext, bool isConnect, string? actualPrefix, string? expectedPrefix)
    {
        var request = httpContext.Request;
        if (!isConnect && !IsTwirpMethod(request.Method))
        {
            return Create(httpContext, $"unsupported method \"{request.Method}\" (only POST is allowed)");
        }
        if (expectedPrefix is not null && !string.Equals(actualPrefix, expectedPrefix, StringComparison.Ordinal))
        {
            return Create(httpContext, $"invalid path prefix \"{actualPrefix}\", expected \"{expectedPrefix}\", on path \"{FullPath(request)}\"");
        }
        return Create(httpContext, $"no handler for path \"{FullPath(request)}\"");
    }

    /// <summary>A <c>bad_route</c> with <paramref name="message"/>, naming the request's method and whole path.</summary>
    public static TwirpException Create(HttpContext httpContext, string message) =>
        TwirpException.BadRoute(message, httpContext.Request.Method, FullPath(httpContext.Request));

    /// <summary>
    /// Answers <paramref name="badRoute"/> in the request's protocol (Twirp's 404 <c>bad_route</c>, or
    /// Connect's 404 <c>unimplemented</c>): through <paramref name="service"/>'s hooks when the path names
    /// one, else directly (no service to attribute the request to).
    /// </summary>
    public static Task AnswerAsync(HttpContext httpContext, bool isConnect, TwirpServiceRuntime? service, TwirpException badRoute, ILogger logger)
    {
        TwirpHttpLog.BadRoute(logger, httpContext.Request.Method, FullPath(httpContext.Request), badRoute.Message);
        if (service is null)
        {
            return AnswerWithoutServiceAsync(httpContext, isConnect, badRoute);
        }
        if (isConnect)
        {
            var context = httpContext.CreateTwirpContext(method: null, service.Definition, TwirpProtocol.Connect, httpContext.RequestAborted, deadline: null);
            return service.Errors.AnswerBadRouteAsync(context, new ConnectHttpExchange(httpContext, deadline: null, timeoutError: null, service.ConnectCompressMinBytes), badRoute);
        }
        return service.Errors.AnswerBadRouteAsync(httpContext.CreateTwirpContext(method: null, service.Definition), new TwirpHttpExchange(httpContext), badRoute);
    }

    // The path the client sent, mount point (PathBase) included, as Twirp Go reports it.
    private static string FullPath(HttpRequest request) => (request.PathBase + request.Path).Value ?? "/";

    private static async Task AnswerWithoutServiceAsync(HttpContext httpContext, bool isConnect, TwirpException badRoute)
    {
        var telemetry = TwirpServerTelemetry.StartUnrouted(httpContext.Request.Headers, isConnect ? TwirpProtocol.Connect : TwirpProtocol.Twirp);
        try
        {
            await (isConnect
                ? ConnectHttp.WriteErrorAsync(httpContext, badRoute, trailers: null, CancellationToken.None)
                : TwirpHttp.WriteTwirpErrorAsync(httpContext, badRoute, CancellationToken.None)).ConfigureAwait(false);
        }
        finally
        {
            TwirpServerTelemetry.Stop(telemetry, badRoute);
        }
    }
}
