using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;

namespace Twirp;

/// <summary>A Twirp call carried by one HTTP request/response.</summary>
internal sealed class HttpServerExchange(HttpContext httpContext) : ITwirpServerExchange
{
    private ReadOnlySequence<byte> _body;
    private bool _holdingBody;

    public TwirpException? CheckRequest(TwirpContext context)
    {
        var request = httpContext.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            return BadRoute(httpContext, $"unsupported method \"{request.Method}\" (only POST is allowed)");
        }
        if (!TwirpContentTypes.TryParse(request.ContentType, out var encoding))
        {
            return BadRoute(httpContext, $"unexpected Content-Type: \"{request.ContentType}\"");
        }
        context.Encoding = encoding;
        return null;
    }

    public async ValueTask<ReadOnlySequence<byte>> ReadRequestAsync(long? maxSize, CancellationToken cancellationToken)
    {
        var request = httpContext.Request;
        if (maxSize is { } limit)
        {
            if (request.ContentLength > limit)
            {
                throw TooLarge(limit);
            }
            // Ours is enforced below as a Twirp error; the server's own limit would answer a bare 413 first.
            var sizeFeature = httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (sizeFeature is { IsReadOnly: false })
            {
                sizeFeature.MaxRequestBodySize = limit;
            }
        }

        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (buffer.Length > maxSize)
                {
                    reader.AdvanceTo(buffer.End);
                    throw TooLarge(maxSize.Value);
                }
                if (result.IsCompleted || result.IsCanceled)
                {
                    _body = buffer;
                    _holdingBody = true;
                    return buffer;
                }
                // Nothing consumed, everything examined: the pipe keeps the bytes and waits for more.
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw maxSize.HasValue
                ? TooLarge(maxSize.Value, exception)
                : new TwirpException(TwirpErrorCode.ResourceExhausted, "request body too large", meta: null, exception);
        }
        catch (BadHttpRequestException exception)
        {
            throw TwirpException.Malformed("failed to read request body", exception);
        }
    }

    public void ReleaseRequest()
    {
        if (_holdingBody)
        {
            _holdingBody = false;
            httpContext.Request.BodyReader.AdvanceTo(_body.End);
            _body = default;
        }
    }

    public bool HasStarted => httpContext.Response.HasStarted;

    public void StartResponse(TwirpEncoding encoding, int contentLength)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = TwirpContentTypes.For(encoding);
        response.ContentLength = contentLength;
    }

    public IBufferWriter<byte> ResponseBody => httpContext.Response.BodyWriter;

    public ValueTask CompleteResponseAsync(CancellationToken cancellationToken)
    {
        var flush = httpContext.Response.BodyWriter.FlushAsync(cancellationToken);
        return flush.IsCompletedSuccessfully ? default : AwaitFlush(flush);

        static async ValueTask AwaitFlush(ValueTask<FlushResult> flush) => await flush.ConfigureAwait(false);
    }

    public ValueTask WriteErrorAsync(TwirpException error, CancellationToken cancellationToken) =>
        TwirpHttp.WriteErrorAsync(httpContext, error, cancellationToken);

    public bool IsDeadlineExceeded =>
        httpContext.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true;

    public void Abort() => httpContext.Abort();

    internal static TwirpException BadRoute(HttpContext httpContext, string message) =>
        TwirpException.BadRoute(message, httpContext.Request.Method, (httpContext.Request.PathBase + httpContext.Request.Path).Value ?? "/");

    private static TwirpException TooLarge(long limit, Exception? cause = null) =>
        new(TwirpErrorCode.ResourceExhausted, $"request body too large: the limit is {limit} bytes", meta: null, cause);
}
