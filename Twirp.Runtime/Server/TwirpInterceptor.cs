using System.Threading.Tasks;
using Google.Protobuf;

namespace Twirp;

/// <summary>Continues an exchange past an interceptor: reads the request, calls the method, writes the answer.</summary>
public delegate Task TwirpExchangeContinuation(TwirpContext context);

/// <summary>Continues a typed call past an interceptor, to the next interceptor or the handler.</summary>
public delegate Task<TResponse> TwirpCallContinuation<TRequest, TResponse>(TRequest request, TwirpContext context)
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new();

/// <summary>
/// Wraps calls, like grpc-dotnet's <c>Interceptor</c>. Register with
/// <see cref="TwirpOptions.Interceptors"/> or <see cref="TwirpServiceOptions.Interceptors"/>; global
/// interceptors are outermost. Override either scope, or both.
/// </summary>
public abstract class TwirpInterceptor
{
    /// <summary>
    /// Around the whole exchange: runs after the <c>RequestRouted</c> hooks and before the request body is
    /// read; the continuation returns once the answer (success, or the error in <see cref="TwirpContext.Error"/>)
    /// is written. Throw a <see cref="TwirpException"/> before calling
    /// the continuation to reject the call.
    /// </summary>
    public virtual Task InterceptExchangeAsync(TwirpContext context, TwirpExchangeContinuation continuation) =>
        continuation(context);

    /// <summary>
    /// Around the typed call: sees the decoded request, may replace it or the response, may throw a
    /// <see cref="TwirpException"/> to answer with an error.
    /// </summary>
    public virtual Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpContext context, TwirpCallContinuation<TRequest, TResponse> continuation)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => continuation(request, context);
}
