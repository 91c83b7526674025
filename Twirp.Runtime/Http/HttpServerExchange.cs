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
        if (!TwirpBadRoutes.IsTwirpMethod(request.Method))
        {
            return TwirpBadRoutes.Describe(httpContext, null, null);
        }
        if (!TwirpContentTypes.TryParse(request.ContentType, out var encoding))
        {
            return TwirpBadRoutes.Create(httpContext, $"unexpected Content-Type: \"{request.ContentType}\"");
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
                throw RefuseBody(limit);
            }
            // Ours is enforced below, on body bytes only. Kestrel's own limit would answer a bare 413
            // first, and it counts chunked framing too, so a chunked body under our limit could fail it.
            var sizeFeature = httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (sizeFeature is { IsReadOnly: false })
            {
                sizeFeature.MaxRequestBodySize = null;
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
                    throw RefuseBody(maxSize.Value);
                }
                if (result.IsCanceled)
                {
                    // Someone called CancelPendingRead: what arrived so far is not the whole body.
                    reader.AdvanceTo(buffer.Start);
                    throw TwirpException.Canceled("reading the request body was canceled");
                }
                if (result.IsCompleted)
                {
                    _body = buffer;
                    _holdingBody = true;
                    return buffer;
                }
                // Nothing consumed, everything examined: the pipe keeps the bytes and waits for more.
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (Exception exception) when (HttpTransportFailure.Classify(httpContext, exception, readingRequest: true) is { } error)
        {
            if (error.Code == TwirpErrorCode.ResourceExhausted)
            {
                throw RefuseBody(maxSize, exception);
            }
            throw error;
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

    public async ValueTask CompleteResponseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await httpContext.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (HttpTransportFailure.Classify(httpContext, exception, readingRequest: false) is { } error)
        {
            throw error;
        }
    }

    public ValueTask WriteErrorAsync(TwirpException error, CancellationToken cancellationToken) =>
        TwirpHttp.WriteErrorAsync(httpContext, error, cancellationToken);

    public bool IsDeadlineExceeded =>
        httpContext.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true;

    public void Abort() => httpContext.Abort();

    /// <summary>
    /// Refuses a body over the limit. The rest of it is never read, so the connection closes after the
    /// answer: Kestrel would otherwise spend up to 5 s draining it to keep the connection alive.
    /// </summary>
    private TwirpException RefuseBody(long? limit, Exception? cause = null)
    {
        if (HttpProtocol.IsHttp11(httpContext.Request.Protocol) || HttpProtocol.IsHttp10(httpContext.Request.Protocol))
        {
            httpContext.Response.Headers.Connection = "close";
        }
        var message = limit is { } bytes ? $"request body too large: the limit is {bytes} bytes" : "request body too large";
        return new TwirpException(TwirpErrorCode.ResourceExhausted, message, meta: null, cause);
    }
}
