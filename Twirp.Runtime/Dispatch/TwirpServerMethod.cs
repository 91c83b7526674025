using System;
using System.Threading.Tasks;
using Google.Protobuf;

namespace Twirp;

/// <summary>One server method: its description and a typed invoker on the service base class.</summary>
public abstract class TwirpServerMethod
{
    private protected TwirpServerMethod()
    {
    }

    /// <summary>The method's description.</summary>
    public abstract TwirpMethod Method { get; }

    /// <summary>
    /// The C# name of the handler method on the generated base class; <c>MapTwirp</c> reads the
    /// implementation's attributes (e.g. <c>[Authorize]</c>) from it.
    /// </summary>
    public abstract string HandlerName { get; }

    /// <summary>Creates a server method; emitted by the source generator.</summary>
    public static TwirpServerMethod<TService, TRequest, TResponse> Create<TService, TRequest, TResponse>(
        TwirpMethod<TRequest, TResponse> method,
        string handlerName,
        Func<TService, TRequest, TwirpContext, Task<TResponse>> invoker)
        where TService : class
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => new(method, handlerName, invoker);

    internal abstract TwirpMethodInvoker CreateInvoker(TwirpServiceRuntime runtime);
}

/// <summary>A <see cref="TwirpServerMethod"/> with its service and message types.</summary>
public sealed class TwirpServerMethod<TService, TRequest, TResponse> : TwirpServerMethod
    where TService : class
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    internal TwirpServerMethod(TwirpMethod<TRequest, TResponse> method, string handlerName, Func<TService, TRequest, TwirpContext, Task<TResponse>> invoker)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(handlerName);
        ArgumentNullException.ThrowIfNull(invoker);
        TypedMethod = method;
        HandlerName = handlerName;
        Invoker = invoker;
    }

    /// <inheritdoc/>
    public override TwirpMethod Method => TypedMethod;

    /// <summary>The method's description with its message types.</summary>
    internal TwirpMethod<TRequest, TResponse> TypedMethod { get; }

    /// <inheritdoc/>
    public override string HandlerName { get; }

    /// <summary>Calls the user's implementation.</summary>
    internal Func<TService, TRequest, TwirpContext, Task<TResponse>> Invoker { get; }

    internal override TwirpMethodInvoker CreateInvoker(TwirpServiceRuntime runtime) =>
        new TwirpMethodInvoker<TService, TRequest, TResponse>(this, runtime);
}
