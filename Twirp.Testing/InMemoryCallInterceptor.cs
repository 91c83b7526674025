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

        // The call's timeout (TwirpCallOptions.Timeout, TwirpClientOptions.Timeout) is the server's deadline
        // too, as under Connect: the handler's token fires and the server answers deadline_exceeded.
        var timeout = context.Timeout;
        var deadline = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline?.CancelAfter(timeout!.Value);
        // Read before dispatching: the dispatch disposes the source when it ends, maybe synchronously.
        var callToken = deadline?.Token ?? cancellationToken;
        var exchange = new InMemoryServerExchange(Encode(request, context.Encoding), context.Encoding, deadline?.Token ?? default, cancellationToken);
        var call = DispatchAsync(method, context, exchange, callToken, deadline);
        // Like an HTTP client, the caller stops waiting when the call's token fires; the handler sees the
        // same token, and the call's scope is disposed when the dispatcher is done.
        try
        {
            await call.WaitAsync(callToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (exchange.IsDeadlineExceeded)
        {
            throw PastTimeout(timeout!.Value);
        }

        if (exchange.Error is { } error)
        {
            if (exchange.IsDeadlineExceeded)
            {
                throw PastTimeout(timeout!.Value);
            }
            if (error.Code == TwirpErrorCode.Canceled && cancellationToken.IsCancellationRequested)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            // What an HTTP client reads from the error body: code, message and meta, never the server's exception.
            throw new TwirpException(error.Code, error.Message, error.Meta);
        }
        var body = exchange.Response;
        return context.Encoding == TwirpEncoding.Json
            ? json.Parse<TResponse>(body.Span)
            : ((TwirpMethod<TRequest, TResponse>)context.Method).ResponseParser.ParseFrom(body.Span);
    }

    // The generated client's own wording for a call past its timeout, whoever noticed first.
    private static TwirpException PastTimeout(TimeSpan timeout) =>
        new(TwirpErrorCode.DeadlineExceeded, $"the call did not complete within its timeout of {timeout.TotalMilliseconds:0.###} ms", meta: null);

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

    private async Task DispatchAsync(TwirpMethod method, TwirpClientCallContext client, InMemoryServerExchange exchange, CancellationToken callToken, CancellationTokenSource? deadline)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            var headers = new HeaderDictionary();
            foreach (var header in client.RequestHeaders)
            {
                headers[header.Key] = header.Value;
            }
            var context = new TwirpContext(method, callToken)
            {
                RequestServices = scope.ServiceProvider,
                RequestHeaders = headers,
                Deadline = client.Timeout is { } timeout ? DateTimeOffset.UtcNow + timeout : null,
            };
            await dispatcher.DispatchAsync(context, exchange).ConfigureAwait(false);
        }
        finally
        {
            // Only now: the handler may outlive the caller's wait, and its token must stay usable.
            deadline?.Dispose();
        }
    }
}

/// <summary>One in-memory call: the encoded request in, the encoded response or the error out.</summary>
internal sealed class InMemoryServerExchange(byte[] request, TwirpEncoding encoding, CancellationToken deadline, CancellationToken caller) : ITwirpServerExchange
{
    private readonly ArrayBufferWriter<byte> _response = new();

    public TwirpException? Error { get; private set; }

    public ReadOnlyMemory<byte> Response => _response.WrittenMemory;

    public bool HasStarted { get; private set; }

    public IBufferWriter<byte> ResponseBody => _response;

    /// <summary>Whether the call's timeout passed, rather than the caller cancelling (which fires the deadline's token too).</summary>
    public bool IsDeadlineExceeded => deadline.IsCancellationRequested && !caller.IsCancellationRequested;

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
