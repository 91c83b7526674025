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

    /// <summary>A Twirp call carried by <paramref name="httpContext"/>: its headers, abort token, request services.</summary>
    internal static TwirpContext CreateTwirpContext(this HttpContext httpContext, TwirpMethod? method, TwirpServiceDefinition service) =>
        httpContext.CreateTwirpContext(method, service, TwirpProtocol.Twirp, httpContext.RequestAborted, deadline: null);

    /// <summary>
    /// A call carried by <paramref name="httpContext"/> in <paramref name="protocol"/>: its headers, request
    /// services, and <paramref name="cancellationToken"/> (the abort token, or one that the call's own
    /// deadline also cancels).
    /// </summary>
    internal static TwirpContext CreateTwirpContext(this HttpContext httpContext, TwirpMethod? method, TwirpServiceDefinition service,
        TwirpProtocol protocol, System.Threading.CancellationToken cancellationToken, System.DateTimeOffset? deadline)
    {
        var context = method is not null
            ? new TwirpContext(method, cancellationToken) { RequestHeaders = httpContext.Request.Headers, ResponseHeaders = httpContext.Response.Headers, Protocol = protocol, Deadline = deadline }
            : new TwirpContext(service, cancellationToken) { RequestHeaders = httpContext.Request.Headers, ResponseHeaders = httpContext.Response.Headers, Protocol = protocol, Deadline = deadline };
        httpContext.AttachTo(context);
        return context;
    }

    /// <summary>Makes <paramref name="httpContext"/> the transport of <paramref name="context"/>: its feature and, when first asked for, its request services.</summary>
    internal static void AttachTo(this HttpContext httpContext, TwirpContext context)
    {
        context.SetRequestServicesSource(static state => ((HttpContext)state).RequestServices, httpContext);
        context.SetFeature(httpContext);
    }
}
