using Twirp;

namespace Microsoft.AspNetCore.Http;

/// <summary>The HTTP side of a <see cref="TwirpContext"/>.</summary>
public static class TwirpContextHttpExtensions
{
    /// <summary>
    /// The HTTP exchange that carries the call, or null when it came over another transport (a queue,
    /// in process) or the context was built in a test.
    /// </summary>
    public static HttpContext? GetHttpContext(this TwirpContext context)
    {
        System.ArgumentNullException.ThrowIfNull(context);
        return context.GetFeature<HttpContext>();
    }

    /// <summary>A context for a call carried by <paramref name="httpContext"/>: its headers, abort token, request services.</summary>
    internal static TwirpContext CreateTwirpContext(this HttpContext httpContext, TwirpMethod? method, TwirpServiceDefinition service)
    {
        var context = method is not null
            ? new TwirpContext(method, httpContext.RequestAborted) { RequestHeaders = httpContext.Request.Headers, ResponseHeaders = httpContext.Response.Headers }
            : new TwirpContext(service, httpContext.RequestAborted) { RequestHeaders = httpContext.Request.Headers, ResponseHeaders = httpContext.Response.Headers };
        context.SetRequestServicesSource(static state => ((HttpContext)state).RequestServices, httpContext);
        context.SetFeature(httpContext);
        return context;
    }
}
