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

    /// <summary>
    /// The server's address, e.g. <c>https://api.example.com</c> or <c>https://example.com/api/</c>
    /// (a path is kept). When null, the <see cref="System.Net.Http.HttpClient.BaseAddress"/> is used.
    /// </summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The path before <c>/package.Service/Method</c>. Default <c>/twirp</c>; may be empty.</summary>
    public string PathPrefix { get; set; } = "/twirp";

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

    /// <summary>
    /// Request headers of this call, e.g. <c>Authorization</c>. <c>Content-Type</c> and other content
    /// headers are set by the client and cannot be given here.
    /// </summary>
    public IDictionary<string, string> Headers => _headers ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    internal Dictionary<string, string>? HeadersOrNull => _headers;
}
