using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Twirp;

/// <summary>
/// Answers Twirp-looking requests no method endpoint took (unknown service or method, wrong prefix)
/// with <c>bad_route</c> 404, as Twirp Go does, instead of an empty 404. When the path names a mapped
/// service, that service's hooks run as Twirp Go's service handler runs them.
/// </summary>
internal sealed class TwirpBadRouteEndpoint(TwirpRouteRegistry.Scope scope, ILogger logger)
{
    public Task HandleAsync(HttpContext httpContext)
    {
        var routePath = "/" + (httpContext.GetRouteValue(TwirpRouteRegistry.CatchAllParameter) as string);
        string? actualPrefix = null;
        if (scope.TryMatch(routePath, out var service) && service is not null)
        {
            actualPrefix = routePath.Substring(0, routePath.LastIndexOf('/', routePath.LastIndexOf('/') - 1));
        }
        return AnswerAsync(httpContext, service, Describe(httpContext, actualPrefix, service?.PathPrefix), service?.Logger ?? logger);
    }

    /// <summary>Only <c>POST</c>, compared as Twirp Go does: case-sensitively (<c>post</c> is a bad route).</summary>
    public static bool IsTwirpMethod(string method) => string.Equals(method, HttpMethods.Post, StringComparison.Ordinal);

    /// <summary>The <c>bad_route</c> Twirp Go answers, checked in its order: HTTP method, prefix, then path.</summary>
    public static TwirpException Describe(HttpContext httpContext, string? actualPrefix, string? expectedPrefix)
    {
        var request = httpContext.Request;
        var fullPath = (request.PathBase + request.Path).Value ?? "/";
        string message;
        if (!IsTwirpMethod(request.Method))
        {
            message = $"unsupported method \"{request.Method}\" (only POST is allowed)";
        }
        else if (expectedPrefix is not null && !string.Equals(actualPrefix, expectedPrefix, StringComparison.Ordinal))
        {
            message = $"invalid path prefix \"{actualPrefix}\", expected \"{expectedPrefix}\", on path \"{fullPath}\"";
        }
        else
        {
            message = $"no handler for path \"{fullPath}\"";
        }
        return TwirpException.BadRoute(message, request.Method, fullPath);
    }

    /// <summary>
    /// Answers <paramref name="badRoute"/>: through <paramref name="service"/>'s hooks when the path names
    /// one, else directly (no service to attribute the request to).
    /// </summary>
    public static Task AnswerAsync(HttpContext httpContext, TwirpServiceRuntime? service, TwirpException badRoute, ILogger logger)
    {
        TwirpHttpLog.BadRoute(logger, httpContext.Request.Method, (httpContext.Request.PathBase + httpContext.Request.Path).Value ?? "/", badRoute.Message);
        if (service is null)
        {
            return AnswerWithoutServiceAsync(httpContext, badRoute);
        }
        return service.Errors.AnswerBadRouteAsync(httpContext.CreateTwirpContext(method: null, service.Definition), new HttpServerExchange(httpContext), badRoute);
    }

    private static async Task AnswerWithoutServiceAsync(HttpContext httpContext, TwirpException badRoute)
    {
        var telemetry = TwirpServerTelemetry.StartUnrouted(httpContext.Request.Headers);
        try
        {
            await TwirpHttp.WriteErrorAsync(httpContext, badRoute, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            TwirpServerTelemetry.Stop(telemetry, badRoute);
        }
    }
}
