using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>The HTTP binding of one method: an endpoint's request delegate over the transport-neutral invoker.</summary>
internal sealed class TwirpHttpEndpoint(TwirpMethodInvoker invoker)
{
    public Task HandleAsync(HttpContext httpContext) =>
        invoker.DispatchAsync(new TwirpContext(invoker.Method, httpContext), new HttpServerExchange(httpContext));
}
