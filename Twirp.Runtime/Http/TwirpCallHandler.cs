using System;
using System.Buffers;
using System.IO;
using System.Text;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Twirp;

/// <summary>Serves one Twirp method over HTTP.</summary>
internal abstract class TwirpCallHandler
{
    public abstract TwirpMethod Method { get; }

    public abstract Task HandleAsync(HttpContext httpContext);
}

internal sealed class TwirpCallHandler<TService, TRequest, TResponse> : TwirpCallHandler
    where TService : class
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly TwirpServerMethod<TService, TRequest, TResponse> _serverMethod;
    private readonly Func<IServiceProvider, object> _serviceFactory;

    public TwirpCallHandler(TwirpServerMethod<TService, TRequest, TResponse> serverMethod, Func<IServiceProvider, object> serviceFactory)
    {
        _serverMethod = serverMethod;
        _serviceFactory = serviceFactory;
    }

    public override TwirpMethod Method => _serverMethod.Method;

    public override async Task HandleAsync(HttpContext httpContext)
    {
        var options = httpContext.RequestServices.GetRequiredService<IOptions<TwirpOptions>>().Value;
        var logger = httpContext.RequestServices.GetRequiredService<ILogger<TwirpCallHandler>>();
        try
        {
            if (!TwirpContentTypes.TryParse(httpContext.Request.ContentType, out var encoding))
            {
                throw new TwirpException(TwirpErrorCode.BadRoute,
                    $"unexpected Content-Type: \"{httpContext.Request.ContentType}\"",
                    TwirpHttp.InvalidRouteMeta(httpContext));
            }

            var request = await ReadRequestAsync(httpContext, encoding, options).ConfigureAwait(false);
            var service = (TService)_serviceFactory(httpContext.RequestServices);
            var context = new TwirpContext(_serverMethod.Method, httpContext);
            var response = await _serverMethod.Invoker(service, request, context).ConfigureAwait(false);
            await WriteResponseAsync(httpContext, encoding, response, options).ConfigureAwait(false);
        }
        catch (TwirpException error)
        {
            await TwirpHttp.WriteErrorAsync(httpContext, error).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client is gone; nobody is left to answer.
        }
        catch (Exception exception)
        {
            TwirpLog.HandlerFailed(logger, _serverMethod.Method.FullName, exception);
            var message = options.EnableDetailedErrors ? exception.ToString() : "Internal error";
            await TwirpHttp.WriteErrorAsync(httpContext, TwirpException.Internal(message, exception)).ConfigureAwait(false);
        }
    }

    private async Task<TRequest> ReadRequestAsync(HttpContext httpContext, TwirpEncoding encoding, TwirpOptions options)
    {
        using var body = new MemoryStream();
        await httpContext.Request.Body.CopyToAsync(body, httpContext.RequestAborted).ConfigureAwait(false);
        try
        {
            if (encoding == TwirpEncoding.Json)
            {
                var json = Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
                return options.JsonCodec.Parser.Parse<TRequest>(json);
            }
            return _serverMethod.TypedMethod.RequestParser.ParseFrom(body.GetBuffer(), 0, (int)body.Length);
        }
        catch (Exception exception) when (exception is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw TwirpException.Malformed("the request could not be decoded", exception);
        }
    }

    private static async Task WriteResponseAsync(HttpContext httpContext, TwirpEncoding encoding, TResponse response, TwirpOptions options)
    {
        var httpResponse = httpContext.Response;
        httpResponse.StatusCode = StatusCodes.Status200OK;
        httpResponse.ContentType = TwirpContentTypes.For(encoding);
        if (encoding == TwirpEncoding.Json)
        {
            var json = options.JsonCodec.Formatter.Format(response);
            var length = Encoding.UTF8.GetByteCount(json);
            httpResponse.ContentLength = length;
            var span = httpResponse.BodyWriter.GetSpan(length);
            Encoding.UTF8.GetBytes(json, span);
            httpResponse.BodyWriter.Advance(length);
        }
        else
        {
            // WriteTo(IBufferWriter) on Kestrel's BodyWriter trips over its own StartAsync ordering in
            // Google.Protobuf 3.25, so the message is written into one span of the exact size.
            var length = response.CalculateSize();
            httpResponse.ContentLength = length;
            if (length > 0)
            {
                var span = httpResponse.BodyWriter.GetSpan(length).Slice(0, length);
                response.WriteTo(span);
                httpResponse.BodyWriter.Advance(length);
            }
        }
        await httpResponse.BodyWriter.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
    }
}
