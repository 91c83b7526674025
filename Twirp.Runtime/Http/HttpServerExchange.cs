using System;
using System.Buffers;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;

namespace Twirp;

/// <summary>
/// What a call carried by one HTTP request/response does the same in Twirp and Connect: reading the
/// body under the size limit (inflating a gzip body under the same limit), releasing it, flushing the
/// answer, telling a deadline from a departed client. The protocols differ in how they check a request
/// and frame the answer (<see cref="TwirpHttpExchange"/>, <see cref="ConnectHttpExchange"/>).
/// </summary>
internal abstract class HttpServerExchange(HttpContext httpContext) : ITwirpServerExchange
{
    private HttpContext _httpContext = httpContext;
    private ReadOnlySequence<byte> _body;
    private bool _holdingBody;
    private PooledBufferWriter? _inflated;

    protected HttpContext HttpContext => _httpContext;

    /// <summary>Makes this exchange that of a new request, as if just constructed for it (a reused exchange: <see cref="TwirpHttpCall"/>).</summary>
    public void Reset(HttpContext httpContext)
    {
        _httpContext = httpContext;
        _body = default;
        _holdingBody = false;
        _inflated?.Dispose();
        _inflated = null;
        RequestIsGzip = false;
    }

    /// <summary>Whether the request body (or, for a Connect GET, the message) is gzip; set by <see cref="CheckRequest"/>.</summary>
    protected bool RequestIsGzip { get; set; }

    public abstract TwirpException? CheckRequest(TwirpContext context);

    // Not async itself: an uncompressed body (every Twirp call) costs no second state machine.
    public virtual ValueTask<ReadOnlySequence<byte>> ReadRequestAsync(long? maxSize, CancellationToken cancellationToken) =>
        RequestIsGzip ? ReadAndInflateAsync(maxSize, cancellationToken) : ReadBodyAsync(maxSize, cancellationToken);

    private async ValueTask<ReadOnlySequence<byte>> ReadAndInflateAsync(long? maxSize, CancellationToken cancellationToken) =>
        Inflate(await ReadBodyAsync(maxSize, cancellationToken).ConfigureAwait(false), maxSize);

    public void ReleaseRequest()
    {
        if (_holdingBody)
        {
            _holdingBody = false;
            _httpContext.Request.BodyReader.AdvanceTo(_body.End);
            _body = default;
        }
        _inflated?.Dispose();
        _inflated = null;
    }

    public bool HasStarted => _httpContext.Response.HasStarted;

    public abstract void StartResponse(TwirpEncoding encoding, int contentLength);

    public abstract IBufferWriter<byte> ResponseBody { get; }

    public virtual async ValueTask CompleteResponseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _httpContext.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (HttpTransportFailure.Classify(_httpContext, exception, readingRequest: false) is { } error)
        {
            throw error;
        }
    }

    public abstract ValueTask WriteErrorAsync(TwirpException error, CancellationToken cancellationToken);

    public virtual bool IsDeadlineExceeded =>
        _httpContext.Features.Get<IHttpRequestTimeoutFeature>()?.RequestTimeoutToken.IsCancellationRequested == true;

    public void Abort() => _httpContext.Abort();

    /// <summary>
    /// Reads the whole body as it arrived, refusing it with <c>resource_exhausted</c> once more than
    /// <paramref name="maxSize"/> bytes came; the buffer is held until <see cref="ReleaseRequest"/>.
    /// </summary>
    protected async ValueTask<ReadOnlySequence<byte>> ReadBodyAsync(long? maxSize, CancellationToken cancellationToken)
    {
        var request = _httpContext.Request;
        if (maxSize is { } limit)
        {
            if (request.ContentLength > limit)
            {
                throw RefuseBody(limit);
            }
            // Ours is enforced below, on body bytes only. Kestrel's own limit would answer a bare 413
            // first, and it counts chunked framing too, so a chunked body under our limit could fail it.
            var sizeFeature = _httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
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
        catch (Exception exception) when (HttpTransportFailure.Classify(_httpContext, exception, readingRequest: true) is { } error)
        {
            if (error.Code == TwirpErrorCode.ResourceExhausted)
            {
                throw RefuseBody(maxSize, exception);
            }
            throw error;
        }
    }

    /// <summary>
    /// Inflates <paramref name="compressed"/> under <paramref name="maxSize"/>; the result is held until
    /// <see cref="ReleaseRequest"/>. A bomb is refused once the limit is passed, never inflated whole.
    /// </summary>
    protected ReadOnlySequence<byte> Inflate(ReadOnlySequence<byte> compressed, long? maxSize)
    {
        _inflated = HttpCompression.Inflate(compressed, maxSize, static limit => RefuseInflated(limit));
        return new ReadOnlySequence<byte>(_inflated.WrittenMemory);
    }

    /// <summary>
    /// Refuses a body over the limit. The rest of it is never read, so the connection closes after the
    /// answer: Kestrel would otherwise spend up to 5 s draining it to keep the connection alive.
    /// </summary>
    private TwirpException RefuseBody(long? limit, Exception? cause = null)
    {
        if (HttpProtocol.IsHttp11(_httpContext.Request.Protocol) || HttpProtocol.IsHttp10(_httpContext.Request.Protocol))
        {
            _httpContext.Response.Headers.Connection = "close";
        }
        var message = limit is { } bytes ? $"request body too large: the limit is {bytes} bytes" : "request body too large";
        return new TwirpException(TwirpErrorCode.ResourceExhausted, message, meta: null, cause);
    }

    // The compressed body was read whole, so the connection stays usable.
    private static TwirpException RefuseInflated(long limit) =>
        TwirpException.ResourceExhausted($"request body too large once decompressed: the limit is {limit} bytes");
}
