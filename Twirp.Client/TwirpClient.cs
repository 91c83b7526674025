using System;
using System.IO;
using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;

namespace Twirp;

/// <summary>
/// The base of every generated Twirp client: sends one typed call as
/// <c>POST {BaseAddress}{PathPrefix}/{package.Service}/{Method}</c> through an <see cref="HttpClient"/>
/// and maps failures to <see cref="TwirpException"/>. Safe for concurrent calls.
/// </summary>
public abstract class TwirpClient
{
    private readonly HttpClient _httpClient;
    private readonly string _urlPrefix;
    private readonly TwirpEncoding _encoding;
    private readonly TwirpProtocol _protocol;
    private readonly bool _useHttpGet;
    private readonly TwirpCompression _requestCompression;
    private readonly TimeSpan? _timeout;
    private readonly long? _maxResponseBodySize;
    private readonly TwirpJsonCodec _json;
    private readonly TwirpClientInterceptor[] _interceptors;
    private readonly TwirpClientHooks[] _hooks;
    private readonly ConcurrentDictionary<TwirpMethod, Uri> _uris = new();
    private readonly TwirpClientTelemetry _telemetry;

    /// <summary>
    /// Creates a client over <paramref name="httpClient"/>. The options are read now (interceptors and
    /// hooks are copied); later changes to them do not affect this client.
    /// </summary>
    /// <exception cref="ArgumentException">Neither the options nor the HTTP client have an absolute base address.</exception>
    protected TwirpClient(HttpClient httpClient, TwirpClientOptions? options)
    {
        _httpClient = httpClient ?? throw new ArgumentNullException(nameof(httpClient));
        options ??= new TwirpClientOptions();
        var baseAddress = options.BaseAddress ?? httpClient.BaseAddress;
        if (baseAddress is null || !baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException(
                "A Twirp client needs the server's absolute address: set TwirpClientOptions.BaseAddress or HttpClient.BaseAddress.",
                nameof(httpClient));
        }
        _urlPrefix = baseAddress.GetLeftPart(UriPartial.Path).TrimEnd('/') + TwirpPathPrefix.Normalize(options.PathPrefix) + "/";
        _telemetry = new TwirpClientTelemetry(baseAddress);
        _encoding = options.Encoding;
        _protocol = options.Protocol;
        if (options.UseHttpGet && _protocol != TwirpProtocol.Connect)
        {
            throw new ArgumentException("TwirpClientOptions.UseHttpGet needs Protocol = Connect: Twirp calls are POST only.", nameof(options));
        }
        _useHttpGet = options.UseHttpGet;
        _requestCompression = options.RequestCompression;
        _timeout = options.Timeout;
        _maxResponseBodySize = options.MaxResponseBodySize;
        _json = options.JsonCodec;
        _interceptors = new TwirpClientInterceptor[options.Interceptors.Count];
        options.Interceptors.CopyTo(_interceptors, 0);
        _hooks = new TwirpClientHooks[options.Hooks.Count];
        options.Hooks.CopyTo(_hooks, 0);
    }

    /// <summary>The URL <paramref name="method"/> is posted to.</summary>
    public Uri GetRequestUri(TwirpMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return _uris.GetOrAdd(method, static (m, prefix) => new Uri(prefix + m.FullName, UriKind.Absolute), _urlPrefix);
    }

    /// <summary>
    /// Calls <paramref name="method"/> through the interceptors, then over HTTP. Generated methods are
    /// one call to this.
    /// </summary>
    /// <exception cref="TwirpException">The server answered with an error, or with a body that could not be decoded, or could not be reached (<c>unavailable</c>, with the transport's exception as the cause).</exception>
    /// <exception cref="OperationCanceledException">The call was cancelled or <see cref="HttpClient.Timeout"/> expired. (The call's own timeout, <see cref="TwirpCallOptions.Timeout"/>, fails it with <c>deadline_exceeded</c>.)</exception>
    protected Task<TResponse> CallAsync<TRequest, TResponse>(
        TwirpMethod<TRequest, TResponse> method,
        TRequest request,
        TwirpCallOptions? options,
        CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        var context = new TwirpClientCallContext(method, _encoding, cancellationToken)
        {
            Protocol = _protocol,
            Timeout = options?.Timeout ?? _timeout,
        };
        if (options?.HeadersOrNull is { Count: > 0 } headers)
        {
            context.CopyHeaders(headers);
        }
        return TwirpClientTelemetry.IsEnabled ? ObservedCallAsync(method, request, context) : InvokeAsync(method, request, context);
    }

    // The span covers the whole call, interceptors included, and is current while HttpClient sends.
    private async Task<TResponse> ObservedCallAsync<TRequest, TResponse>(TwirpMethod<TRequest, TResponse> method, TRequest request, TwirpClientCallContext context)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var call = _telemetry.Start(method, context.Protocol);
        TResponse response;
        try
        {
            response = await InvokeAsync(method, request, context).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _telemetry.Stop(call, exception);
            throw;
        }
        _telemetry.Stop(call, failure: null);
        return response;
    }

    private Task<TResponse> InvokeAsync<TRequest, TResponse>(TwirpMethod<TRequest, TResponse> method, TRequest request, TwirpClientCallContext context)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        if (_interceptors.Length == 0)
        {
            return SendAsync(method, request, context);
        }
        return new InterceptorChain<TRequest, TResponse>(this, method, 0).Next(request, context);
    }

    private Task<TResponse> SendAsync<TRequest, TResponse>(TwirpMethod<TRequest, TResponse> method, TRequest request, TwirpClientCallContext context)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => context.Timeout is { } timeout
            ? SendWithTimeoutAsync(method, request, context, timeout)
            : ExchangeAsync(method, request, context, context.CancellationToken);

    private async Task<TResponse> SendWithTimeoutAsync<TRequest, TResponse>(TwirpMethod<TRequest, TResponse> method, TRequest request, TwirpClientCallContext context, TimeSpan timeout)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await ExchangeAsync(method, request, context, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (deadline.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            var error = new TwirpException(TwirpErrorCode.DeadlineExceeded,
                $"the call did not complete within its timeout of {timeout.TotalMilliseconds:0.###} ms", meta: null, exception);
            await RunErrorHooksAsync(context, error).ConfigureAwait(false);
            throw error;
        }
    }

    private async Task<TResponse> ExchangeAsync<TRequest, TResponse>(TwirpMethod<TRequest, TResponse> method, TRequest request, TwirpClientCallContext context, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        using var httpRequest = CreateRequest(method, request, context);
        TwirpClientTelemetry.InjectTraceContext(httpRequest);
        foreach (var hooks in _hooks)
        {
            if (hooks.RequestPrepared is { } requestPrepared)
            {
                await requestPrepared(context, httpRequest).ConfigureAwait(false);
            }
        }

        TwirpException error;
        HttpResponseMessage sent;
        try
        {
            sent = await _httpClient.SendAsync(httpRequest, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception)
        {
            error = Unavailable(exception);
            await RunErrorHooksAsync(context, error).ConfigureAwait(false);
            throw error;
        }
        using var httpResponse = sent;
        if (httpResponse.StatusCode == HttpStatusCode.OK)
        {
            TResponse response;
            TwirpResponseBody body;
            try
            {
                body = await TwirpResponseBody.ReadAsync(httpResponse.Content, _maxResponseBodySize, truncate: false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException)
            {
                error = Unavailable(exception);
                await RunErrorHooksAsync(context, error).ConfigureAwait(false);
                throw error;
            }
            catch (TwirpException exception)
            {
                // Over the size limit, or compressed in a way the client cannot read.
                await RunErrorHooksAsync(context, exception).ConfigureAwait(false);
                throw;
            }
            using var _ = body;
            try
            {
                response = context.Encoding == TwirpEncoding.Json
                    ? _json.Parse<TResponse>(body.Span)
                    : method.ResponseParser.ParseFrom(body.Span);
            }
            catch (Exception exception) when (TwirpDecoding.IsFailure(exception))
            {
                // Twirp Go's wording, so errors read the same across implementations.
                var what = context.Encoding == TwirpEncoding.Json ? "json" : "proto";
                error = new TwirpException(TwirpErrorCode.Internal, $"failed to unmarshal {what} response", meta: null, exception);
                await RunErrorHooksAsync(context, error).ConfigureAwait(false);
                throw error;
            }
            foreach (var hooks in _hooks)
            {
                if (hooks.ResponseReceived is { } responseReceived)
                {
                    await responseReceived(context, httpResponse).ConfigureAwait(false);
                }
            }
            return response;
        }

        error = await TwirpClientErrors.FromResponseAsync(httpResponse, context.Protocol, _maxResponseBodySize, cancellationToken).ConfigureAwait(false);
        await RunErrorHooksAsync(context, error).ConfigureAwait(false);
        throw error;
    }

    /// <summary>
    /// The server could not be reached or went away mid-answer (refused, reset, DNS, TLS, body cut
    /// short): gRPC's and Twirp's code for a server that is not there is <c>unavailable</c>; the
    /// transport's exception is kept as the cause.
    /// </summary>
    private static TwirpException Unavailable(Exception transportFailure) =>
        new(TwirpErrorCode.Unavailable, "the server could not be reached: " + transportFailure.Message, meta: null, transportFailure);

    private async ValueTask RunErrorHooksAsync(TwirpClientCallContext context, TwirpException error)
    {
        foreach (var hooks in _hooks)
        {
            if (hooks.Error is { } onError)
            {
                await onError(context, error).ConfigureAwait(false);
            }
        }
    }

    private HttpRequestMessage CreateRequest<TRequest>(TwirpMethod method, TRequest request, TwirpClientCallContext context)
        where TRequest : class, IMessage<TRequest>, new()
    {
        var body = Serialize(request, context.Encoding);
        var compressed = _requestCompression == TwirpCompression.Gzip;
        if (compressed)
        {
            body = Gzip(body.Span);
        }

        HttpRequestMessage httpRequest;
        if (context.Protocol == TwirpProtocol.Connect)
        {
            httpRequest = _useHttpGet && method.Idempotency == TwirpIdempotency.NoSideEffects && ConnectGetUri(method, body.Span, context.Encoding, compressed) is { } getUri
                ? new HttpRequestMessage(HttpMethod.Get, getUri)
                : Post(method, body, ConnectProtocol.ContentTypeFor(context.Encoding), compressed);
            if (httpRequest.Method == HttpMethod.Post)
            {
                httpRequest.Headers.TryAddWithoutValidation(ConnectProtocol.ProtocolVersionHeader, ConnectProtocol.ProtocolVersion);
            }
            // Connect servers may compress any answer the client accepts; the client always reads gzip.
            httpRequest.Headers.TryAddWithoutValidation(ConnectProtocol.AcceptEncodingHeader, "gzip");
            if (context.Timeout is { } timeout)
            {
                httpRequest.Headers.TryAddWithoutValidation(ConnectProtocol.TimeoutHeader, TimeoutMilliseconds(timeout));
            }
        }
        else
        {
            var contentType = TwirpContentTypes.For(context.Encoding);
            httpRequest = Post(method, body, contentType, compressed);
            httpRequest.Headers.TryAddWithoutValidation("Accept", contentType);
            if (compressed)
            {
                // Twirp has no compression of its own: a server that reads gzipped requests (ours does)
                // may gzip its answers too.
                httpRequest.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
            }
        }
        // Requests built by hand do not pick these up from the HttpClient on their own.
        httpRequest.Version = _httpClient.DefaultRequestVersion;
        httpRequest.VersionPolicy = _httpClient.DefaultVersionPolicy;

        if (context.RequestHeadersOrNull is { } headers)
        {
            foreach (var pair in headers)
            {
                if (!httpRequest.Headers.TryAddWithoutValidation(pair.Key, pair.Value))
                {
                    httpRequest.Dispose();
                    throw new ArgumentException($"'{pair.Key}' cannot be set as a request header of a Twirp call; content headers are set by the client.", nameof(TwirpCallOptions.Headers));
                }
            }
        }
        return httpRequest;
    }

    private ReadOnlyMemory<byte> Serialize<TRequest>(TRequest request, TwirpEncoding encoding)
        where TRequest : class, IMessage<TRequest>, new()
    {
        if (encoding == TwirpEncoding.Json)
        {
            // Compact UTF-8 straight from the formatter, sent from the writer's buffer without a copy.
            var json = new ArrayBufferWriter<byte>(256);
            _json.Write(request, json);
            return json.WrittenMemory;
        }
        // One exact-size array: sent with a Content-Length and no copy.
        var body = new byte[request.CalculateSize()];
        request.WriteTo(body);
        return body;
    }

    private HttpRequestMessage Post(TwirpMethod method, ReadOnlyMemory<byte> body, string contentType, bool compressed)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (compressed)
        {
            content.Headers.TryAddWithoutValidation("Content-Encoding", "gzip");
        }
        return new HttpRequestMessage(HttpMethod.Post, GetRequestUri(method)) { Content = content };
    }

    private static byte[] Gzip(ReadOnlySpan<byte> body)
    {
        var output = new MemoryStream(body.Length / 2 + 32);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }
        return output.ToArray();
    }

    /// <summary>
    /// The longest <c>GET</c> URL the client sends: past it the call is a <c>POST</c>, since servers and
    /// proxies refuse longer request lines (Kestrel's default limit is 8 KiB).
    /// </summary>
    private const int MaxGetUriLength = 8000;

    /// <summary>
    /// The URL of a Connect <c>GET</c>: the message in the query string (binary and compressed messages
    /// in unpadded URL-safe base64, JSON percent-encoded), or null when it would be too long.
    /// </summary>
    private Uri? ConnectGetUri(TwirpMethod method, ReadOnlySpan<byte> message, TwirpEncoding encoding, bool compressed)
    {
        var base64 = compressed || encoding == TwirpEncoding.Protobuf;
        var value = base64
            ? Convert.ToBase64String(message).TrimEnd('=').Replace('+', '-').Replace('/', '_')
            : Uri.EscapeDataString(System.Text.Encoding.UTF8.GetString(message));
        var uri = new StringBuilder(GetRequestUri(method).AbsoluteUri, MaxGetUriLength)
            .Append('?').Append(ConnectProtocol.ConnectQuery).Append('=').Append(ConnectProtocol.ConnectQueryValue)
            .Append('&').Append(ConnectProtocol.EncodingQuery).Append('=').Append(ConnectProtocol.CodecNameFor(encoding));
        if (base64)
        {
            uri.Append('&').Append(ConnectProtocol.Base64Query).Append("=1");
        }
        if (compressed)
        {
            uri.Append('&').Append(ConnectProtocol.CompressionQuery).Append("=gzip");
        }
        uri.Append('&').Append(ConnectProtocol.MessageQuery).Append('=').Append(value);
        return uri.Length <= MaxGetUriLength ? new Uri(uri.ToString(), UriKind.Absolute) : null;
    }

    /// <summary><c>Connect-Timeout-Ms</c>: whole milliseconds, rounded up so a short timeout is never 0, at most 10 digits.</summary>
    private static string TimeoutMilliseconds(TimeSpan timeout) =>
        ((long)Math.Min(Math.Ceiling(timeout.TotalMilliseconds), 9_999_999_999)).ToString(CultureInfo.InvariantCulture);

    /// <summary>One link of the interceptor chain; the last link sends the request.</summary>
    private sealed class InterceptorChain<TRequest, TResponse>(TwirpClient client, TwirpMethod<TRequest, TResponse> method, int index)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        public Task<TResponse> Next(TRequest request, TwirpClientCallContext context)
        {
            ArgumentNullException.ThrowIfNull(request);
            ArgumentNullException.ThrowIfNull(context);
            if (index == client._interceptors.Length)
            {
                return client.SendAsync(method, request, context);
            }
            var next = new InterceptorChain<TRequest, TResponse>(client, method, index + 1);
            return client._interceptors[index].InterceptCallAsync<TRequest, TResponse>(request, context, next.Next);
        }
    }
}
