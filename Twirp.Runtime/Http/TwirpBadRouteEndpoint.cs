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
        scope.TryMatch(routePath, out var service, out var actualPrefix);
        var isConnect = TwirpProtocolDetection.IsConnect(httpContext.Request);
        return TwirpBadRoutes.AnswerAsync(httpContext, isConnect, service, TwirpBadRoutes.Describe(httpContext, isConnect, actualPrefix, service?.PathPrefix),
            service?.Logger ?? logger);
    }
}
