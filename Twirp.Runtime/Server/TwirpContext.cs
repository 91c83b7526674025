using System.Collections.Generic;
using System.Threading;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>
/// What a handler knows about the call in progress. Construct one directly in unit tests; no server
/// is needed.
/// </summary>
public sealed class TwirpContext
{
    private Dictionary<object, object?>? _items;

    /// <summary>Creates a context for <paramref name="method"/>, optionally bound to an HTTP exchange.</summary>
    public TwirpContext(TwirpMethod method, HttpContext? httpContext = null, CancellationToken cancellationToken = default)
    {
        Method = method;
        HttpContext = httpContext;
        CancellationToken = httpContext?.RequestAborted ?? cancellationToken;
    }

    /// <summary>The method being called.</summary>
    public TwirpMethod Method { get; }

    /// <summary>The HTTP exchange, or null when the call came over another transport or from a test.</summary>
    public HttpContext? HttpContext { get; }

    /// <summary>Signalled when the client goes away or the call is otherwise abandoned.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The request headers; empty when there is no HTTP exchange.</summary>
    public IHeaderDictionary RequestHeaders => HttpContext?.Request.Headers ?? EmptyHeaders;

    /// <summary>Headers to send with the response; writes are kept when there is no HTTP exchange.</summary>
    public IHeaderDictionary ResponseHeaders => HttpContext?.Response.Headers ?? (_detachedResponseHeaders ??= new HeaderDictionary());

    /// <summary>Per-call state shared by hooks, interceptors and the handler.</summary>
    public IDictionary<object, object?> Items => _items ??= new Dictionary<object, object?>();

    private HeaderDictionary? _detachedResponseHeaders;
    private static readonly IHeaderDictionary EmptyHeaders = new HeaderDictionary();
}
