using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>The HTTP binding of one method: an endpoint's request delegate over the transport-neutral invoker.</summary>
internal sealed class TwirpHttpEndpoint(TwirpMethodInvoker invoker)
{
    private readonly string _route = invoker.Runtime.PathPrefix + "/" + invoker.Method.FullName;

    public Task HandleAsync(HttpContext httpContext)
    {
        // Routing matches literals case-insensitively; Twirp routes are case-sensitive, so
        // "/twirp/pkg.Echo/say" or "/TWIRP/pkg.Echo/Say" name no method: a bad route, whose context has no method.
        var path = httpContext.Request.Path.Value ?? string.Empty;
        if (path.EndsWith(_route, StringComparison.Ordinal))
        {
            return invoker.DispatchAsync(httpContext.CreateTwirpContext(invoker.Method, invoker.Runtime.Definition), new HttpServerExchange(httpContext));
        }
        var runtime = invoker.Runtime;
        var badRoute = path.EndsWith("/" + invoker.Method.FullName, StringComparison.Ordinal)
            ? TwirpBadRoutes.Describe(httpContext, path.Substring(path.Length - _route.Length, runtime.PathPrefix.Length), runtime.PathPrefix)
            : TwirpBadRoutes.Describe(httpContext, null, null);
        return TwirpBadRoutes.AnswerAsync(httpContext, runtime, badRoute, runtime.Logger);
    }
}
