using System.Threading.Tasks;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>
/// The context and exchange of a Twirp call over HTTP, kept with the connection and reused by its next
/// call, as Kestrel reuses its <see cref="HttpContext"/>: a connection carries one HTTP/1.1 request (an
/// HTTP/2 stream one request) at a time, so once a call is answered its objects are free. They live in
/// the connection's <see cref="IPersistentStateFeature"/>; a server without it (TestServer, for one)
/// gets new ones per call. The rule this relies on, that a context is not used after its call, is
/// documented on <see cref="TwirpContext"/>.
/// </summary>
internal sealed class TwirpHttpCall
{
    private static readonly object StateKey = new();

    private readonly TwirpHttpExchange _exchange;
    private readonly TwirpContext _context;
    private bool _inUse;

    private TwirpHttpCall(HttpContext httpContext, TwirpMethod method)
    {
        _exchange = new TwirpHttpExchange(httpContext);
        _context = new TwirpContext(method);
    }

    /// <summary>Serves one Twirp call carried by <paramref name="httpContext"/>, with the connection's reused context and exchange where it has them.</summary>
    public static Task DispatchAsync(TwirpMethodInvoker invoker, HttpContext httpContext)
    {
        var state = httpContext.Features.Get<IPersistentStateFeature>()?.State;
        if (state is null)
        {
            return invoker.DispatchAsync(httpContext.CreateTwirpContext(invoker.Method, invoker.Runtime.Definition), new TwirpHttpExchange(httpContext));
        }
        state.TryGetValue(StateKey, out var kept);
        var call = kept as TwirpHttpCall;
        if (call is null || call._inUse)
        {
            // The first call on this connection, or one that overlaps a call still running (not seen with
            // Kestrel; then this one gets its own objects and the kept ones stay with the other call).
            call = new TwirpHttpCall(httpContext, invoker.Method);
            if (kept is null)
            {
                state[StateKey] = call;
            }
        }
        call._inUse = true;
        call._exchange.Reset(httpContext);
        call._context.Reset(invoker.Method, httpContext.RequestAborted, TwirpProtocol.Twirp, deadline: null, httpContext.Request.Headers, httpContext.Response.Headers);
        httpContext.AttachTo(call._context);
        var dispatch = invoker.DispatchAsync(call._context, call._exchange);
        if (dispatch.IsCompletedSuccessfully)
        {
            call.Release();
            return dispatch;
        }
        return call.ReleaseAfterAsync(dispatch);
    }

    private async Task ReleaseAfterAsync(Task dispatch)
    {
        // DispatchAsync answers every failure itself; should it throw anyway, the objects are not reused.
        await dispatch.ConfigureAwait(false);
        Release();
    }

    private void Release()
    {
        _context.Clear();
        _exchange.Reset(null!);
        _inUse = false;
    }
}
