using System.Threading.Tasks;
using Google.Protobuf;

namespace Twirp;

/// <summary>The rest of the call chain: the next interceptor, or the HTTP exchange.</summary>
public delegate Task<TResponse> TwirpClientCallContinuation<TRequest, TResponse>(TRequest request, TwirpClientCallContext context)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new();

/// <summary>
/// Wraps every typed call of a client: logging, metrics, retries, adding headers, short-circuiting.
/// Added to <see cref="TwirpClientOptions.Interceptors"/>; the first one added is the outermost.
/// </summary>
public abstract class TwirpClientInterceptor
{
    /// <summary>
    /// Handles one call. Call <paramref name="continuation"/> to continue (any number of times, e.g. to retry),
    /// or return a response or throw without calling it.
    /// </summary>
    public abstract Task<TResponse> InterceptCallAsync<TRequest, TResponse>(
        TRequest request,
        TwirpClientCallContext context,
        TwirpClientCallContinuation<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new();
}
