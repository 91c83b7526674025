using System;
using System.Collections.Generic;
using Google.Protobuf;

namespace Twirp.Queue;

/// <summary>
/// One call as it is stored: what Twirp would send over HTTP (the method's full name, the content
/// type, the encoded body, the metadata), plus when it may run and its idempotency key. Any version of
/// the service can decode it.
/// </summary>
public sealed class TwirpQueueMessage
{
    /// <summary>Creates a message from its stored parts; <see cref="Create{TRequest, TResponse}"/> encodes a typed request.</summary>
    public TwirpQueueMessage(string service, string method, string contentType, ReadOnlyMemory<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        Service = service;
        Method = method;
        ContentType = contentType;
        Body = body;
    }

    /// <summary><c>package.Service</c>.</summary>
    public string Service { get; }

    /// <summary>The method's name as written in the <c>.proto</c>.</summary>
    public string Method { get; }

    /// <summary><c>application/protobuf</c> or <c>application/json</c>.</summary>
    public string ContentType { get; }

    /// <summary>The encoded request.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Metadata the handler reads from <see cref="TwirpContext.RequestHeaders"/>.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>The task runs no earlier than this; null means now.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>
    /// A second message with the same key (queue-wide, while the first task is kept) is not stored;
    /// enqueueing it returns the first task's id.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Encodes <paramref name="request"/> for <paramref name="method"/> as Twirp would send it.</summary>
    public static TwirpQueueMessage Create<TRequest, TResponse>(TwirpMethod<TRequest, TResponse> method, TRequest request, TwirpEnqueueOptions? options = null)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        var encoding = options?.Encoding ?? TwirpEncoding.Protobuf;
        byte[] body = encoding == TwirpEncoding.Json
            ? System.Text.Encoding.UTF8.GetBytes(JsonFormatter.Default.Format(request))
            : request.ToByteArray();
        return new TwirpQueueMessage(method.ServiceFullName, method.Name, TwirpContentTypes.For(encoding), body)
        {
            Headers = options?.Headers,
            NotBefore = options?.NotBefore ?? (options?.Delay is { } delay ? DateTimeOffset.UtcNow + delay : null),
            IdempotencyKey = options?.IdempotencyKey,
        };
    }
}

/// <summary>How one call is enqueued.</summary>
public sealed class TwirpEnqueueOptions
{
    /// <summary>Run no earlier than this long from now. <see cref="NotBefore"/> wins when both are set.</summary>
    public TimeSpan? Delay { get; set; }

    /// <summary>Run no earlier than this time.</summary>
    public DateTimeOffset? NotBefore { get; set; }

    /// <summary>See <see cref="TwirpQueueMessage.IdempotencyKey"/>.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>Metadata the handler reads from <see cref="TwirpContext.RequestHeaders"/>.</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; set; }

    /// <summary>How the request is stored; protobuf (the default) is smaller and faster.</summary>
    public TwirpEncoding Encoding { get; set; } = TwirpEncoding.Protobuf;
}
