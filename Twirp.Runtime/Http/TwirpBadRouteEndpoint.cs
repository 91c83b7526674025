using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Twirp;

/// <summary>
/// Answers Twirp-looking requests no method endpoint took (unknown service or method, wrong prefix)
/// with <c>bad_route</c> 404, as Twirp Go does, instead of an empty 404.
/// </summary>
internal sealed class TwirpBadRouteEndpoint(TwirpRouteRegistry registry, ILogger logger)
{
    public Task HandleAsync(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var routePath = "/" + (httpContext.GetRouteValue(TwirpRouteRegistry.CatchAllParameter) as string);
        var fullPath = (request.PathBase + request.Path).Value ?? "/";
        string message;
        if (!HttpMethods.IsPost(request.Method))
        {
            message = $"unsupported method \"{request.Method}\" (only POST is allowed)";
        }
        else if (registry.IsTwirpPath(routePath, out var expectedPrefix) && expectedPrefix is not null
            && routePath.Substring(0, routePath.LastIndexOf('/', routePath.LastIndexOf('/') - 1)) is var actualPrefix
            && !string.Equals(actualPrefix, expectedPrefix, System.StringComparison.Ordinal))
        {
            message = $"invalid path prefix \"{actualPrefix}\", expected \"{expectedPrefix}\", on path \"{fullPath}\"";
        }
        else
        {
            message = $"no handler for path \"{fullPath}\"";
        }
        TwirpLog.BadRoute(logger, request.Method, fullPath, message);
        return TwirpHttp.WriteErrorAsync(httpContext, TwirpException.BadRoute(message, request.Method, fullPath), CancellationToken.None).AsTask();
    }
}
