using System;
using System.Buffers;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Twirp;

/// <summary>
/// A Connect unary call carried by one HTTP request/response (connectrpc.com/docs/protocol): POST with
/// <c>application/proto</c> or <c>application/json</c>, or GET with the message in the query for
/// methods without side effects; gzip both ways; Connect's error body and status table; trailers as
/// <c>Trailer-</c> headers.
/// </summary>
internal sealed class ConnectHttpExchange(HttpContext httpContext, CancellationTokenSource? deadline, TwirpException? timeoutError, int compressMinBytes)
    : HttpServerExchange(httpContext)
{
    // compressMinBytes (TwirpOptions.ConnectCompressMinBytes): gzip barely shrinks, or grows, what is
    // smaller, so such answers go out as they are (Connect lets the server choose per response).

    private TwirpContext? _context;
    private TwirpException? _bareAnswer;
    private int _bareStatus;
    private bool _isGet;
    private bool _clientAcceptsGzip;
    private PooledBufferWriter? _uncompressedResponse;
    private bool _trailersWritten;

    public override TwirpException? CheckRequest(TwirpContext context)
    {
        _context = context;
        var request = HttpContext.Request;
        var response = HttpContext.Response;
        var allowsGet = context.Method!.Idempotency == TwirpIdempotency.NoSideEffects;
        _isGet = string.Equals(request.Method, HttpMethods.Get, StringComparison.Ordinal);
        if (_isGet ? !allowsGet : !string.Equals(request.Method, HttpMethods.Post, StringComparison.Ordinal))
        {
            response.Headers.Allow = allowsGet ? "GET, POST" : "POST";
            return Bare(StatusCodes.Status405MethodNotAllowed,
                $"unsupported method \"{request.Method}\" (Connect calls to this method use {(allowsGet ? "GET or POST" : "POST")})");
        }

        TwirpEncoding encoding;
        StringValues compression;
        StringValues version;
        if (_isGet)
        {
            var query = request.Query;
            if (!ConnectProtocol.TryParseCodecName(query[ConnectProtocol.EncodingQuery], out encoding))
            {
                response.Headers["Accept-Post"] = ConnectHttp.AcceptPost;
                return Bare(StatusCodes.Status415UnsupportedMediaType, $"unexpected encoding parameter: \"{query[ConnectProtocol.EncodingQuery]}\"");
            }
            if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
            {
                return Bare(StatusCodes.Status415UnsupportedMediaType, "a GET request has no body: its message is in the query");
            }
            if (!query.ContainsKey(ConnectProtocol.MessageQuery))
            {
                return new TwirpException(TwirpErrorCode.InvalidArgument, "missing message parameter");
            }
            compression = query[ConnectProtocol.CompressionQuery];
            version = query[ConnectProtocol.ConnectQuery];
            if (version.Count > 0 && version != ConnectProtocol.ConnectQueryValue)
            {
                return new TwirpException(TwirpErrorCode.InvalidArgument, $"connect parameter must be \"{ConnectProtocol.ConnectQueryValue}\": got \"{version}\"");
            }
        }
        else if (!ConnectProtocol.TryParseContentType(request.ContentType, out encoding))
        {
            response.Headers["Accept-Post"] = ConnectHttp.AcceptPost;
            return Bare(StatusCodes.Status415UnsupportedMediaType, $"unexpected Content-Type: \"{request.ContentType}\"");
        }
        else
        {
            compression = request.Headers.ContentEncoding;
        }
        context.Encoding = encoding;

        if (!HttpCompression.TryParse(compression, out var gzip))
        {
            response.Headers.AcceptEncoding = HttpCompression.SupportedNames;
            return new TwirpException(TwirpErrorCode.Unimplemented, $"unknown compression \"{compression}\": supported encodings are {HttpCompression.SupportedNames}");
        }
        RequestIsGzip = gzip;
        _clientAcceptsGzip = gzip || HttpCompression.AcceptsGzip(request.Headers.AcceptEncoding);

        version = request.Headers[ConnectProtocol.ProtocolVersionHeader];
        if (version.Count > 0 && version != ConnectProtocol.ProtocolVersion)
        {
            return new TwirpException(TwirpErrorCode.InvalidArgument,
                $"{ConnectProtocol.ProtocolVersionHeader} must be \"{ConnectProtocol.ProtocolVersion}\": got \"{version}\"");
        }
        return timeoutError;
    }

    public override ValueTask<ReadOnlySequence<byte>> ReadRequestAsync(long? maxSize, CancellationToken cancellationToken) =>
        _isGet ? new(ReadQueryMessage(maxSize)) : base.ReadRequestAsync(maxSize, cancellationToken);

    public override void StartResponse(TwirpEncoding encoding, int contentLength)
    {
        var response = HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ConnectProtocol.ContentTypeFor(encoding);
        if (_isGet)
        {
            // A GET answer may be cached, and it depends on what the client accepts.
            response.Headers.Append(HeaderNames.Vary, HeaderNames.AcceptEncoding);
        }
        if (_clientAcceptsGzip && contentLength >= compressMinBytes)
        {
            response.Headers.ContentEncoding = HttpCompression.Gzip;
            _uncompressedResponse = new PooledBufferWriter(contentLength);
        }
        else
        {
            response.ContentLength = contentLength;
        }
    }

    public override IBufferWriter<byte> ResponseBody
    {
        get
        {
            // The last moment before the body: the handler and every hook have set their trailers.
            WriteTrailersOnce();
            return _uncompressedResponse is { } buffer ? buffer : HttpContext.Response.BodyWriter;
        }
    }

    public override ValueTask CompleteResponseAsync(CancellationToken cancellationToken)
    {
        WriteTrailersOnce();
        if (_uncompressedResponse is { } uncompressed)
        {
            _uncompressedResponse = null;
            using (uncompressed)
            {
                using var compressed = new PooledBufferWriter(Math.Max(uncompressed.WrittenCount / 2, 256));
                HttpCompression.Deflate(uncompressed.WrittenSpan, compressed);
                var response = HttpContext.Response;
                response.ContentLength = compressed.WrittenCount;
                compressed.WrittenSpan.CopyTo(response.BodyWriter.GetSpan(compressed.WrittenCount));
                response.BodyWriter.Advance(compressed.WrittenCount);
            }
        }
        // The call's token carries the Connect deadline, which bounds the handler, not the sending of an
        // answer it finished: connect-go sends a late success as well. Only the client leaving stops it.
        return base.CompleteResponseAsync(HttpContext.RequestAborted);
    }

    public override ValueTask WriteErrorAsync(TwirpException error, CancellationToken cancellationToken)
    {
        _uncompressedResponse?.Dispose();
        _uncompressedResponse = null;
        if (ReferenceEquals(error, _bareAnswer))
        {
            // What connect-go answers, and what Connect clients (and the conformance suite) read as
            // the status alone: no body.
            var response = HttpContext.Response;
            response.Headers.Remove(HeaderNames.ContentEncoding);
            response.StatusCode = _bareStatus;
            response.ContentLength = 0;
            return base.CompleteResponseAsync(cancellationToken);
        }
        return ConnectHttp.WriteErrorAsync(HttpContext, error, _trailersWritten || _context is not { HasResponseTrailers: true } ? null : _context.ResponseTrailers,
            cancellationToken);
    }

    public override bool IsDeadlineExceeded => deadline?.IsCancellationRequested == true || base.IsDeadlineExceeded;

    /// <summary>
    /// A refusal HTTP itself expresses (405, 415), answered by its status and headers alone; the
    /// hooks still see it as a <c>bad_route</c>, as Twirp names such requests.
    /// </summary>
    private TwirpException Bare(int status, string message)
    {
        _bareStatus = status;
        _bareAnswer = TwirpBadRoutes.Create(HttpContext, message);
        return _bareAnswer;
    }

    private void WriteTrailersOnce()
    {
        if (!_trailersWritten)
        {
            _trailersWritten = true;
            if (_context is { HasResponseTrailers: true })
            {
                ConnectHttp.WriteTrailers(HttpContext.Response.Headers, _context.ResponseTrailers);
            }
        }
    }

    /// <summary>
    /// The GET <c>message</c> parameter as bytes: read from the raw query (percent-decoding a text
    /// value to UTF-16 would corrupt binary protobuf), base64-decoded when <c>base64=1</c>, inflated when
    /// <c>compression=gzip</c>, all under the body size limit.
    /// </summary>
    private ReadOnlySequence<byte> ReadQueryMessage(long? maxSize)
    {
        var request = HttpContext.Request;
        var raw = ConnectQueryMessage.Decode(request.QueryString.Value, ConnectProtocol.MessageQuery);
        if (request.Query[ConnectProtocol.Base64Query] == "1")
        {
            if (!ConnectProtocol.TryDecodeBase64(System.Text.Encoding.ASCII.GetString(raw), out raw))
            {
                throw TwirpException.Malformed("the message parameter is not base64");
            }
        }
        if (raw.Length > maxSize)
        {
            throw TwirpException.ResourceExhausted($"request message too large: the limit is {maxSize} bytes");
        }
        var message = new ReadOnlySequence<byte>(raw);
        return RequestIsGzip ? Inflate(message, maxSize) : message;
    }
}
