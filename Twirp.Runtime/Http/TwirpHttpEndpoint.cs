using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>The HTTP binding of one method: an endpoint's request delegate over the transport-neutral invoker.</summary>
internal sealed class TwirpHttpEndpoint(TwirpMethodInvoker invoker)
{
    public Task HandleAsync(HttpContext httpContext)
    {
        // Routing matches literals case-insensitively; Twirp routes are case-sensitive, so "/Echo/say"
        // names no method of the service: a bad route, whose context has no method.
        if (httpContext.Request.Path.Value is { } path && path.EndsWith(invoker.Method.FullName, StringComparison.Ordinal))
        {
            return invoker.DispatchAsync(new TwirpContext(invoker.Method, httpContext), new HttpServerExchange(httpContext));
        }
        var runtime = invoker.Runtime;
        return TwirpBadRouteEndpoint.AnswerAsync(httpContext, runtime, TwirpBadRouteEndpoint.Describe(httpContext, null, null), runtime.Logger);
    }
}
