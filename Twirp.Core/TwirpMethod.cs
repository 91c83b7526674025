using System;
using Google.Protobuf;

namespace Twirp;

/// <summary>
/// Static description of one Twirp method, emitted by the source generator: names and message types.
/// Transport-neutral, so servers, clients and tooling share it.
/// </summary>
public abstract class TwirpMethod
{
    private protected TwirpMethod(string package, string serviceName, string name, TwirpIdempotency idempotency)
    {
        Package = package;
        Idempotency = idempotency;
        ServiceName = serviceName;
        Name = name;
        ServiceFullName = package.Length == 0 ? serviceName : package + "." + serviceName;
        FullName = ServiceFullName + "/" + name;
    }

    /// <summary>The proto package, empty for a package-less file.</summary>
    public string Package { get; }

    /// <summary>The service's name as written in the <c>.proto</c>.</summary>
    public string ServiceName { get; }

    /// <summary><c>package.Service</c>, or <c>Service</c> without a package.</summary>
    public string ServiceFullName { get; }

    /// <summary>The method's name as written in the <c>.proto</c>.</summary>
    public string Name { get; }

    /// <summary><c>package.Service/Method</c>: the route below the path prefix.</summary>
    public string FullName { get; }

    /// <summary>
    /// The method's <c>option idempotency_level</c>: a <see cref="TwirpIdempotency.NoSideEffects"/> method
    /// also answers Connect <c>GET</c> requests.
    /// </summary>
    public TwirpIdempotency Idempotency { get; }

    /// <summary>The request message type.</summary>
    public abstract Type RequestType { get; }

    /// <summary>The response message type.</summary>
    public abstract Type ResponseType { get; }

    /// <inheritdoc/>
    public override string ToString() => FullName;
}

/// <summary>A <see cref="TwirpMethod"/> with its message types and parsers.</summary>
public sealed class TwirpMethod<TRequest, TResponse> : TwirpMethod
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    /// <summary>Creates the description of a method.</summary>
    public TwirpMethod(string package, string serviceName, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser,
        TwirpIdempotency idempotency = TwirpIdempotency.Unknown)
        : base(package, serviceName, name, idempotency)
    {
        RequestParser = requestParser;
        ResponseParser = responseParser;
    }

    /// <summary>Parses request messages.</summary>
    public MessageParser<TRequest> RequestParser { get; }

    /// <summary>Parses response messages.</summary>
    public MessageParser<TResponse> ResponseParser { get; }

    /// <inheritdoc/>
    public override Type RequestType => typeof(TRequest);

    /// <inheritdoc/>
    public override Type ResponseType => typeof(TResponse);
}
