using System;
using System.Collections.Generic;

namespace Twirp;

/// <summary>Options for every Twirp service of the app, set with <c>AddTwirp(o =&gt; ...)</c>.</summary>
public sealed class TwirpOptions
{
    /// <summary>The default <see cref="MaxRequestBodySize"/>: 4 MB, like grpc-dotnet's receive limit.</summary>
    public const long DefaultMaxRequestBodySize = 4 * 1024 * 1024;

    /// <summary>The path prefix before <c>/package.Service/Method</c>. Default <c>/twirp</c>; may be empty.</summary>
    public string PathPrefix { get; set; } = "/twirp";

    /// <summary>
    /// The largest request body accepted, in bytes, enforced while reading; a larger body is answered
    /// with <c>resource_exhausted</c>. Null means no limit of ours (the server's own, e.g. Kestrel's 30 MB, still applies).
    /// </summary>
    public long? MaxRequestBodySize { get; set; } = DefaultMaxRequestBodySize;

    /// <summary>
    /// Send exception details to clients in <c>internal</c> errors. For development only: details can
    /// leak secrets.
    /// </summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>How JSON responses are written.</summary>
    public TwirpJsonOptions Json { get; set; } = new();

    /// <summary>The default <see cref="ConnectCompressMinBytes"/>: 1 KiB.</summary>
    public const int DefaultConnectCompressMinBytes = 1024;

    /// <summary>
    /// Connect calls only: the smallest answer, in bytes before compression, that is gzipped when the
    /// client accepts gzip; smaller answers go uncompressed, since compressing a few bytes costs more than
    /// it saves. 0 (or less) compresses every answer, as connect-go does unless <c>WithCompressMinBytes</c>
    /// is set. Twirp answers are never compressed.
    /// </summary>
    public int ConnectCompressMinBytes { get; set; } = DefaultConnectCompressMinBytes;

    /// <summary>Hooks for every service; they run before per-service hooks.</summary>
    public IList<TwirpHooks> Hooks { get; } = new List<TwirpHooks>();

    /// <summary>Interceptors for every service; they wrap per-service interceptors.</summary>
    public TwirpInterceptorCollection Interceptors { get; } = new();

    /// <summary>Why the bound configuration could not be read, if it could not (see <c>BindConfiguration</c>).</summary>
    internal InvalidOperationException? ConfigurationError { get; set; }
}

/// <summary>
/// Options for one service, set with <c>AddTwirp().AddServiceOptions&lt;TService&gt;(o =&gt; ...)</c>.
/// Null values inherit <see cref="TwirpOptions"/> (except <see cref="MaxRequestBodySize"/>, inherited while
/// unset); hooks and interceptors add to the global ones.
/// </summary>
public class TwirpServiceOptions
{
    /// <summary>Overrides <see cref="TwirpOptions.PathPrefix"/> for this service.</summary>
    public string? PathPrefix { get; set; }

    private long? _maxRequestBodySize;

    /// <summary>
    /// Overrides <see cref="TwirpOptions.MaxRequestBodySize"/> for this service once set; setting it to
    /// null removes the limit for this service (as grpc-dotnet's per-service <c>MaxReceiveMessageSize</c>).
    /// Left unset, the global value applies.
    /// </summary>
    public long? MaxRequestBodySize
    {
        get => _maxRequestBodySize;
        set
        {
            _maxRequestBodySize = value;
            MaxRequestBodySizeSpecified = true;
        }
    }

    /// <summary>
    /// Whether <see cref="MaxRequestBodySize"/> was set for this service (then even null overrides the
    /// global limit). Set automatically by <see cref="MaxRequestBodySize"/>; set to false to inherit again.
    /// </summary>
    public bool MaxRequestBodySizeSpecified
    {
        get;
        set
        {
            field = value;
            if (!value)
            {
                _maxRequestBodySize = null;
            }
        }
    }

    /// <summary>Overrides <see cref="TwirpOptions.EnableDetailedErrors"/> for this service.</summary>
    public bool? EnableDetailedErrors { get; set; }

    /// <summary>Overrides <see cref="TwirpOptions.Json"/> for this service.</summary>
    public TwirpJsonOptions? Json { get; set; }

    /// <summary>Overrides <see cref="TwirpOptions.ConnectCompressMinBytes"/> for this service.</summary>
    public int? ConnectCompressMinBytes { get; set; }

    /// <summary>Hooks for this service only; they run after the global hooks.</summary>
    public IList<TwirpHooks> Hooks { get; } = new List<TwirpHooks>();

    /// <summary>Interceptors for this service only; they run inside the global interceptors.</summary>
    public TwirpInterceptorCollection Interceptors { get; } = new();
}

/// <summary>The options of the service <typeparamref name="TService"/>.</summary>
/// <typeparam name="TService">The service class passed to <c>MapTwirp</c>.</typeparam>
public sealed class TwirpServiceOptions<TService> : TwirpServiceOptions
    where TService : class
{
}
