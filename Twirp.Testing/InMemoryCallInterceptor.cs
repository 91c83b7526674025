using System;
using System.Buffers;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Twirp.Testing;

/// <summary>
/// The innermost interceptor of an in-memory client: instead of continuing to the HTTP exchange, it
/// encodes the request as the client would, serves it through the service's dispatcher in a new DI
/// scope, and decodes the answer as the client would.
/// </summary>
internal sealed class InMemoryCallInterceptor(TwirpServiceDispatcher dispatcher, IServiceProvider services, TwirpJsonCodec json) : TwirpClientInterceptor
{
    public override async Task<TResponse> InterceptCallAsync<TRequest, TResponse>(
        TRequest request,
        TwirpClientCallContext context,
        TwirpClientCallContinuation<TRequest, TResponse> continuation)
    {
        // The service's own descriptor (the client's may come from another compilation of the .proto).
        var method = dispatcher.FindMethod(context.Method.Name)
            ?? throw new InvalidOperationException($"{dispatcher.Definition.FullName} has no method {context.Method.Name}: are the client and the service generated from the same .proto?");
        var cancellationToken = context.CancellationToken;
        // HttpClient does not send a request whose token is already cancelled.
        cancellationToken.ThrowIfCancellationRequested();

        var exchange = new InMemoryServerExchange(Encode(request, context.Encoding), context.Encoding);
        var call = DispatchAsync(method, context, exchange);
        // Like an HTTP client, the caller stops waiting when its token fires; the handler sees the same
        // token and the call's scope is disposed when the dispatcher is done.
        await call.WaitAsync(cancellationToken).ConfigureAwait(false);

        if (exchange.Error is { } error)
        {
            if (error.Code == TwirpErrorCode.Canceled && cancellationToken.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            // What an HTTP client reads from the error body: code, message and meta, never the server's exception.
            throw new TwirpException(error.Code, error.Message, error.Meta);
        }
        var body = exchange.Response;
        return context.Encoding == TwirpEncoding.Json
            ? json.Parser.Parse<TResponse>(System.Text.Encoding.UTF8.GetString(body.Span))
            : ((TwirpMethod<TRequest, TResponse>)context.Method).ResponseParser.ParseFrom(body.Span);
    }

    private byte[] Encode(IMessage request, TwirpEncoding encoding)
    {
        if (encoding != TwirpEncoding.Json)
        {
            return request.ToByteArray();
        }
        var buffer = new ArrayBufferWriter<byte>(256);
        json.Write(request, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private async Task DispatchAsync(TwirpMethod method, TwirpClientCallContext client, InMemoryServerExchange exchange)
    {
        await using var scope = services.CreateAsyncScope();
        var headers = new HeaderDictionary();
        foreach (var header in client.RequestHeaders)
        {
            headers[header.Key] = header.Value;
        }
        var context = new TwirpContext(method, client.CancellationToken)
        {
            RequestServices = scope.ServiceProvider,
            RequestHeaders = headers,
        };
        await dispatcher.DispatchAsync(context, exchange).ConfigureAwait(false);
    }
}

/// <summary>One in-memory call: the encoded request in, the encoded response or the error out.</summary>
internal sealed class InMemoryServerExchange(byte[] request, TwirpEncoding encoding) : ITwirpServerExchange
{
    private readonly ArrayBufferWriter<byte> _response = new();

    public TwirpException? Error { get; private set; }

    public ReadOnlyMemory<byte> Response => _response.WrittenMemory;

    public bool HasStarted { get; private set; }

    public IBufferWriter<byte> ResponseBody => _response;

    // No deadline travels in memory: a cancelled call is the caller going away.
    public bool IsDeadlineExceeded => false;

    public TwirpException? CheckRequest(TwirpContext context)
    {
        context.Encoding = encoding;
        return null;
    }

    public ValueTask<ReadOnlySequence<byte>> ReadRequestAsync(long? maxSize, CancellationToken cancellationToken) =>
        request.Length > maxSize
            ? throw TwirpException.ResourceExhausted($"request body too large: the limit is {maxSize} bytes")
            : new(new ReadOnlySequence<byte>(request));

    public void ReleaseRequest()
    {
    }

    public void StartResponse(TwirpEncoding responseEncoding, int contentLength)
    {
    }

    public ValueTask CompleteResponseAsync(CancellationToken cancellationToken)
    {
        HasStarted = true;
        return default;
    }

    public ValueTask WriteErrorAsync(TwirpException error, CancellationToken cancellationToken)
    {
        Error = error;
        return default;
    }

    // Over HTTP the client would see the connection break.
    public void Abort() => Error = TwirpException.Unavailable("the server abandoned the answer");
}
