using System;
using System.Collections.Generic;

namespace Twirp;

/// <summary>
/// How a generated client calls its service. Read once, when the client is created; with
/// <c>AddTwirpClient</c> they come from <c>Twirp:Clients:{ServiceName}</c> in configuration and the
/// configure delegate.
/// </summary>
public sealed class TwirpClientOptions
{
    private TwirpJsonOptions _json = new();
    private TwirpJsonCodec? _jsonCodec;
    private TimeSpan? _timeout;

    /// <summary>
    /// The server's address, e.g. <c>https://api.example.com</c> or <c>https://example.com/api/</c>
    /// (a path is kept). When null, the <see cref="System.Net.Http.HttpClient.BaseAddress"/> is used.
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// The path before <c>/package.Service/Method</c>. Default <c>/twirp</c>, where <c>MapTwirp</c> serves
    /// both protocols; may be empty, as most Connect servers need.
    /// </summary>
    public string PathPrefix { get; set; } = "/twirp";

    /// <summary>
    /// The wire protocol: <see cref="TwirpProtocol.Twirp"/> (the default) or Connect's unary protocol
    /// (<c>application/proto</c> or <c>application/json</c> with <c>Connect-Protocol-Version: 1</c>, Connect's
    /// error body and status table), to call Connect servers such as connect-go or @connectrpc/connect-node.
    /// </summary>
    public TwirpProtocol Protocol { get; set; } = TwirpProtocol.Twirp;

    /// <summary>
    /// Under <see cref="TwirpProtocol.Connect"/>, call methods marked <c>option idempotency_level =
    /// NO_SIDE_EFFECTS</c> with <c>GET</c>, the request in the query string, so that HTTP caches and CDNs
    /// can answer them. Other methods stay <c>POST</c>. Default false. Not available under Twirp, which is
    /// POST only.
    /// </summary>
    public bool UseHttpGet { get; set; }

    /// <summary>
    /// The compression of request bodies (and of a <c>GET</c>'s query message). With
    /// <see cref="TwirpCompression.Gzip"/> every request is gzipped and sent with <c>Content-Encoding: gzip</c>.
    /// Default <see cref="TwirpCompression.Identity"/>. Gzipped responses are read whatever this says.
    /// </summary>
    public TwirpCompression RequestCompression { get; set; } = TwirpCompression.Identity;

    /// <summary>
    /// The default timeout of a call, overridden by <see cref="TwirpCallOptions.Timeout"/>: past it the call
    /// is cancelled and fails with <c>deadline_exceeded</c>. Under Connect it is also sent as
    /// <c>Connect-Timeout-Ms</c>, so the server stops working on the call too. Null (the default) for none;
    /// <see cref="System.Net.Http.HttpClient.Timeout"/> still applies.
    /// </summary>
    public TimeSpan? Timeout
    {
        get => _timeout;
        set => _timeout = TwirpCallOptions.ValidTimeout(value);
    }

    /// <summary>The default <see cref="MaxResponseBodySize"/>: 4 MB, like the server's request limit and grpc-dotnet's receive limit.</summary>
    public const long DefaultMaxResponseBodySize = 4 * 1024 * 1024;

    /// <summary>
    /// The largest response body the client reads; a larger success response fails with
    /// <c>resource_exhausted</c> before it is buffered, a larger error body is cut. Null for no limit.
    /// </summary>
    public long? MaxResponseBodySize { get; set; } = DefaultMaxResponseBodySize;

    /// <summary>The encoding of requests and responses. Default <see cref="TwirpEncoding.Protobuf"/>.</summary>
    public TwirpEncoding Encoding { get; set; } = TwirpEncoding.Protobuf;

    /// <summary>How JSON requests are written when <see cref="Encoding"/> is <see cref="TwirpEncoding.Json"/>.</summary>
    public TwirpJsonOptions Json
    {
        get => _json;
        set { _json = value ?? throw new ArgumentNullException(nameof(value)); _jsonCodec = null; }
    }

    /// <summary>Interceptors around every typed call, outermost first.</summary>
    public IList<TwirpClientInterceptor> Interceptors { get; } = new List<TwirpClientInterceptor>();

    /// <summary>Callbacks at the points of the HTTP exchange (request prepared, response received, error), run in the order added.</summary>
    public IList<TwirpClientHooks> Hooks { get; } = new List<TwirpClientHooks>();

    internal TwirpJsonCodec JsonCodec => _jsonCodec ??= new TwirpJsonCodec(_json);
}

/// <summary>Options of one call, passed to the <c>{Method}Async(request, options, cancellationToken)</c> overload.</summary>
public sealed class TwirpCallOptions
{
    private Dictionary<string, string>? _headers;
    private TimeSpan? _timeout;

    /// <summary>
    /// Request headers of this call, e.g. <c>Authorization</c>. <c>Content-Type</c> and other content
    /// headers are set by the client and cannot be given here.
    /// </summary>
    public IDictionary<string, string> Headers => _headers ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    internal Dictionary<string, string>? HeadersOrNull => _headers;

    /// <summary>
    /// This call's timeout, instead of <see cref="TwirpClientOptions.Timeout"/>: past it the call is
    /// cancelled and fails with <c>deadline_exceeded</c>; under Connect it is sent as <c>Connect-Timeout-Ms</c>.
    /// </summary>
    public TimeSpan? Timeout
    {
        get => _timeout;
        set => _timeout = ValidTimeout(value);
    }

    internal static TimeSpan? ValidTimeout(TimeSpan? timeout) =>
        timeout is { } value && value <= TimeSpan.Zero
            ? throw new ArgumentOutOfRangeException(nameof(Timeout), value, "A call's timeout must be positive; null means none.")
            : timeout;
}
