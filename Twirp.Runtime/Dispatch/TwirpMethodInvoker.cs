using System;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;

namespace Twirp;

/// <summary>
/// Serves calls of one method over any transport: hooks, checks, body, decoding, interceptors, handler,
/// encoding, errors. Knows nothing of the transport beyond <see cref="ITwirpServerExchange"/>.
/// </summary>
internal abstract class TwirpMethodInvoker
{
    private static readonly TwirpInterceptor[] NoInterceptors = [];

    protected TwirpMethodInvoker(TwirpServiceRuntime runtime) => Runtime = runtime;

    public TwirpServiceRuntime Runtime { get; }

    public abstract TwirpServerMethod ServerMethod { get; }

    public TwirpMethod Method => ServerMethod.Method;

    /// <summary>Serves one call; never throws (a failure is answered as a Twirp error).</summary>
    public async Task DispatchAsync(TwirpContext context, ITwirpServerExchange exchange)
    {
        var runtime = Runtime;
        var interceptors = NoInterceptors;
        bool[]? created = null;
        var telemetry = TwirpServerTelemetry.Start(Method, context);
        using var logScope = TwirpCallLogScope.Begin(runtime.Logger, Method.FullName);
        try
        {
            await TwirpHookRunner.RequestReceivedAsync(runtime.Hooks, context).ConfigureAwait(false);
            var rejection = exchange.CheckRequest(context);
            if (rejection is not null)
            {
                await FailAsync(context, exchange, rejection).ConfigureAwait(false);
                return;
            }
            await TwirpHookRunner.RequestRoutedAsync(runtime.Hooks, context).ConfigureAwait(false);

            if (runtime.Interceptors.Length == 0)
            {
                await ServeAsync(context, exchange, interceptors).ConfigureAwait(false);
            }
            else
            {
                interceptors = ResolveInterceptors(runtime.Interceptors, context.RequestServices, out created);
                await InterceptExchangeAsync(0, interceptors, context, exchange).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            await FailAsync(context, exchange, exception).ConfigureAwait(false);
        }
        finally
        {
            if (created is not null)
            {
                await ReleaseInterceptorsAsync(interceptors, created).ConfigureAwait(false);
            }
            await TwirpHookRunner.ResponseSentAsync(runtime.Hooks, context, runtime.Logger).ConfigureAwait(false);
            TwirpServerTelemetry.Stop(telemetry, context.Error);
        }
    }

    private Task InterceptExchangeAsync(int index, TwirpInterceptor[] interceptors, TwirpContext context, ITwirpServerExchange exchange)
    {
        if (index == interceptors.Length)
        {
            return ServeAsync(context, exchange, interceptors);
        }
        return interceptors[index].InterceptExchangeAsync(context, next => InterceptExchangeAsync(index + 1, interceptors, next, exchange));
    }

    private async Task ServeAsync(TwirpContext context, ITwirpServerExchange exchange, TwirpInterceptor[] interceptors)
    {
        try
        {
            await ServeCoreAsync(context, exchange, interceptors).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Answered here, inside the exchange interceptors, so they see the finished exchange.
            await FailAsync(context, exchange, exception).ConfigureAwait(false);
        }
    }

    protected abstract Task ServeCoreAsync(TwirpContext context, ITwirpServerExchange exchange, TwirpInterceptor[] interceptors);

    private Task FailAsync(TwirpContext context, ITwirpServerExchange exchange, Exception exception) =>
        Runtime.Errors.FailAsync(context, exchange, exception);

    private static TwirpInterceptor[] ResolveInterceptors(TwirpInterceptorRegistration[] registrations, IServiceProvider services, out bool[]? created)
    {
        created = null;
        var interceptors = new TwirpInterceptor[registrations.Length];
        for (var i = 0; i < registrations.Length; i++)
        {
            interceptors[i] = registrations[i].Resolve(services, out var wasCreated);
            if (wasCreated)
            {
                created ??= new bool[registrations.Length];
                created[i] = true;
            }
        }
        return interceptors;
    }

    private async ValueTask ReleaseInterceptorsAsync(TwirpInterceptor[] interceptors, bool[] created)
    {
        for (var i = 0; i < interceptors.Length; i++)
        {
            // Only what was created for this call is ours to dispose; DI owns the rest.
            if (created[i])
            {
                try
                {
                    await TwirpServiceActivator.ReleaseAsync(interceptors[i], created: true).ConfigureAwait(false);
                }
                catch (Exception exception)
                {
                    TwirpLog.FailedAfterAnswer(Runtime.Logger, Method.FullName, exception);
                }
            }
        }
    }
}

internal sealed class TwirpMethodInvoker<TService, TRequest, TResponse> : TwirpMethodInvoker
    where TService : class
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly TwirpServerMethod<TService, TRequest, TResponse> _serverMethod;

    public TwirpMethodInvoker(TwirpServerMethod<TService, TRequest, TResponse> serverMethod, TwirpServiceRuntime runtime)
        : base(runtime)
    {
        _serverMethod = serverMethod;
    }

    public override TwirpServerMethod ServerMethod => _serverMethod;

    protected override async Task ServeCoreAsync(TwirpContext context, ITwirpServerExchange exchange, TwirpInterceptor[] interceptors)
    {
        var request = await ReadRequestAsync(context, exchange).ConfigureAwait(false);

        var service = Runtime.Activator.Create(context, out var created);
        TResponse response;
        try
        {
            response = interceptors.Length == 0
                ? await _serverMethod.Invoker((TService)service, request, context).ConfigureAwait(false)
                : await InterceptCallAsync(0, interceptors, (TService)service, request, context).ConfigureAwait(false);
        }
        finally
        {
            await TwirpServiceActivator.ReleaseAsync(service, created).ConfigureAwait(false);
        }

        if (response is null)
        {
            throw TwirpException.Internal($"received a null response from {Method.FullName}; null responses are not supported");
        }
        await WriteResponseAsync(context, exchange, response).ConfigureAwait(false);
    }

    private async ValueTask<TRequest> ReadRequestAsync(TwirpContext context, ITwirpServerExchange exchange)
    {
        var body = await exchange.ReadRequestAsync(Runtime.MaxRequestBodySize, context.CancellationToken).ConfigureAwait(false);
        try
        {
            return context.Encoding == TwirpEncoding.Json
                ? Runtime.JsonCodec.Parse<TRequest>(body)
                : _serverMethod.TypedMethod.RequestParser.ParseFrom(body);
        }
        catch (Exception exception) when (TwirpDecoding.IsFailure(exception))
        {
            var message = context.Encoding == TwirpEncoding.Json
                ? "the json request could not be decoded"
                : "the protobuf request could not be decoded";
            throw TwirpException.Malformed(message, exception);
        }
        finally
        {
            exchange.ReleaseRequest();
        }
    }

    private Task<TResponse> InterceptCallAsync(int index, TwirpInterceptor[] interceptors, TService service, TRequest request, TwirpContext context)
    {
        if (index == interceptors.Length)
        {
            return _serverMethod.Invoker(service, request, context);
        }
        return interceptors[index].InterceptCallAsync<TRequest, TResponse>(
            request, context, (nextRequest, nextContext) => InterceptCallAsync(index + 1, interceptors, service, nextRequest, nextContext));
    }

    private async Task WriteResponseAsync(TwirpContext context, ITwirpServerExchange exchange, TResponse response)
    {
        if (context.Encoding == TwirpEncoding.Protobuf)
        {
            var length = response.CalculateSize();
            exchange.StartResponse(TwirpEncoding.Protobuf, length);
            await TwirpHookRunner.ResponsePreparedAsync(Runtime.Hooks, context).ConfigureAwait(false);
            if (length > 0)
            {
                // WriteTo(IBufferWriter) trips over Kestrel's BodyWriter ordering in Google.Protobuf 3.25,
                // so the message goes into one span of its exact size.
                var body = exchange.ResponseBody;
                response.WriteTo(body.GetSpan(length).Slice(0, length));
                body.Advance(length);
            }
        }
        else
        {
            // Serialized first so the hooks see a prepared response with its Content-Length.
            using var json = new PooledBufferWriter(256);
            Runtime.JsonCodec.Write(response, json);
            exchange.StartResponse(TwirpEncoding.Json, json.WrittenCount);
            await TwirpHookRunner.ResponsePreparedAsync(Runtime.Hooks, context).ConfigureAwait(false);
            var body = exchange.ResponseBody;
            json.WrittenSpan.CopyTo(body.GetSpan(json.WrittenCount));
            body.Advance(json.WrittenCount);
        }
        context.Answered = true;
        await exchange.CompleteResponseAsync(context.CancellationToken).ConfigureAwait(false);
    }
}
