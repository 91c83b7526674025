using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>
/// One call in progress, shared by the handler, hooks and interceptors, whatever transport carried it:
/// the method, the metadata (request and response headers), the deadline and cancellation, the call's
/// services, a bag for per-call state, and the transport's own facts as typed features (over HTTP the
/// <see cref="Microsoft.AspNetCore.Http.HttpContext"/>, reached with <c>context.GetHttpContext()</c>).
/// Construct one directly in unit tests; no server is needed.
/// </summary>
/// <remarks>
/// A context is valid only until its call is answered (the handler, interceptors and hooks are done), as
/// ASP.NET Core documents for <see cref="Microsoft.AspNetCore.Http.HttpContext"/>. Over HTTP the server
/// reuses it for the next Twirp call on the same connection, everything reset, so a call allocates no
/// context: code that outlives the call (a background task, a hook that stores the context) must copy
/// what it needs (headers, items, the token) before the call ends.
/// </remarks>
public sealed class TwirpContext
{
    /// <summary>A provider with no services: the <see cref="RequestServices"/> of a context no transport gave any.</summary>
    internal static readonly IServiceProvider NoServices = new EmptyServiceProvider();

    private Dictionary<object, object?>? _items;
    private IHeaderDictionary? _requestHeaders;
    private IHeaderDictionary? _responseHeaders;
    private IHeaderDictionary? _responseTrailers;
    private IServiceProvider? _services;

    // The transport's services, fetched on first use: over HTTP reading HttpContext.RequestServices
    // creates the request's DI scope, which a call that needs no DI should not pay for.
    private Func<object, IServiceProvider>? _servicesSource;
    private object? _servicesSourceState;

    // Most calls carry exactly one feature (the transport's): one slot, a dictionary only beyond it.
    private Type? _firstFeatureType;
    private object? _firstFeature;
    private Dictionary<Type, object>? _moreFeatures;

    // The TwirpMethod called, or the TwirpServiceDefinition of a bad route: one field rather than two
    // keeps the per-call allocation small.
    private object _target;
    private CancellationToken _cancellationToken;
    private DateTimeOffset? _deadline;
    private TwirpProtocol _protocol;

    /// <summary>Creates a context for a call of <paramref name="method"/>.</summary>
    /// <param name="method">The method being called.</param>
    /// <param name="cancellationToken">Signalled when the call is abandoned (client gone, deadline passed, host stopping).</param>
    public TwirpContext(TwirpMethod method, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        _target = method;
        _cancellationToken = cancellationToken;
    }

    /// <summary>
    /// Creates a context for a request to <paramref name="service"/> that names none of its methods (a
    /// bad route): <see cref="Method"/> and <see cref="MethodName"/> are null.
    /// </summary>
    /// <param name="service">The service the request names.</param>
    /// <param name="cancellationToken">Signalled when the call is abandoned.</param>
    public TwirpContext(TwirpServiceDefinition service, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        _target = service;
        _cancellationToken = cancellationToken;
    }

    /// <summary>
    /// Makes this context that of a new call, as if just constructed for <paramref name="method"/> with
    /// these headers: a transport that reuses contexts (over HTTP, one per connection) calls it before each
    /// call, and <see cref="Clear"/> after it. Every field is set here, so nothing of an earlier call remains.
    /// </summary>
    internal void Reset(TwirpMethod method, CancellationToken cancellationToken, TwirpProtocol protocol, DateTimeOffset? deadline,
        IHeaderDictionary requestHeaders, IHeaderDictionary responseHeaders)
    {
        Clear();
        _target = method;
        _cancellationToken = cancellationToken;
        _protocol = protocol;
        _deadline = deadline;
        _requestHeaders = requestHeaders;
        _responseHeaders = responseHeaders;
    }

    /// <summary>
    /// Drops everything a finished call left (headers, items, services, features, error, token), so a
    /// context kept for reuse holds nothing of it; only the method stays until the next <see cref="Reset"/>.
    /// </summary>
    internal void Clear()
    {
        _cancellationToken = default;
        _protocol = default;
        _deadline = null;
        _requestHeaders = null;
        _responseHeaders = null;
        _items = null;
        _responseTrailers = null;
        _services = null;
        _servicesSource = null;
        _servicesSourceState = null;
        _firstFeatureType = null;
        _firstFeature = null;
        _moreFeatures = null;
        Encoding = default;
        Error = null;
        Answered = false;
    }

    /// <summary>
    /// The method being called. Null only when the request names no method of the service (a bad route,
    /// seen by the <c>RequestReceived</c>, <c>Error</c> and <c>ResponseSent</c> hooks); always set in
    /// handlers, interceptors and the <c>RequestRouted</c> and <c>ResponsePrepared</c> hooks.
    /// </summary>
    public TwirpMethod? Method => _target as TwirpMethod;

    /// <summary>The proto package of the service, empty when it has none.</summary>
    public string Package => _target is TwirpMethod method ? method.Package : ((TwirpServiceDefinition)_target).Package;

    /// <summary>The service's name as written in the <c>.proto</c>.</summary>
    public string ServiceName => _target is TwirpMethod method ? method.ServiceName : ((TwirpServiceDefinition)_target).Name;

    /// <summary>The method's name as written in the <c>.proto</c>; null when <see cref="Method"/> is.</summary>
    public string? MethodName => Method?.Name;

    /// <summary>
    /// What logs and hooks name the call by: the method's <c>package.Service/Method</c>, or
    /// <c>package.Service</c> for a bad route (when <see cref="Method"/> is null).
    /// </summary>
    public string RouteName => _target is TwirpMethod method ? method.FullName : ((TwirpServiceDefinition)_target).FullName;

    /// <summary>Signalled when the call is abandoned: the client went away, the deadline passed, the host is stopping.</summary>
    public CancellationToken CancellationToken => _cancellationToken;

    /// <summary>
    /// When the transport gives up on the call, if it says: a queued task's lease expiry, for example.
    /// Null when the transport has no deadline it can tell in advance (over HTTP a request timeout
    /// still cancels <see cref="CancellationToken"/> and is answered <c>deadline_exceeded</c>).
    /// </summary>
    public DateTimeOffset? Deadline
    {
        get => _deadline;
        init => _deadline = value;
    }

    /// <summary>
    /// The protocol the caller speaks: <see cref="TwirpProtocol.Twirp"/>, or <see cref="TwirpProtocol.Connect"/>
    /// when a Connect client called the same endpoint. Known from the first hook on; set by the transport.
    /// </summary>
    public TwirpProtocol Protocol
    {
        get => _protocol;
        init => _protocol = value;
    }

    /// <summary>
    /// The encoding of the request, which the response uses too. Known once the request is routed
    /// (from the <c>RequestRouted</c> hook on); set by the transport in
    /// <see cref="ITwirpServerExchange.CheckRequest"/>.
    /// </summary>
    public TwirpEncoding Encoding { get; set; }

    /// <summary>
    /// The error the call is answered with, if any; set before the <c>Error</c> hooks run. Null once the
    /// response is prepared means the call succeeded.
    /// </summary>
    public TwirpException? Error { get; internal set; }

    /// <summary>Whether the answer (success or error) has been handed to the transport.</summary>
    internal bool Answered { get; set; }

    /// <summary>
    /// The call's services: a scope per call, which the transport creates (over HTTP the request's
    /// scope, created when first used), else an empty provider.
    /// </summary>
    public IServiceProvider RequestServices
    {
        get => _services ??= _servicesSource?.Invoke(_servicesSourceState!) ?? NoServices;
        set => _services = value;
    }

    /// <summary>Lets the transport provide <see cref="RequestServices"/> only when something asks for them.</summary>
    internal void SetRequestServicesSource(Func<object, IServiceProvider> source, object state)
    {
        _servicesSource = source;
        _servicesSourceState = state;
    }

    /// <summary>
    /// The request's metadata: HTTP request headers, a queued task's stored headers; in a test, a
    /// writable empty collection. Keys are case-insensitive.
    /// </summary>
    public IHeaderDictionary RequestHeaders
    {
        get => _requestHeaders ??= new HeaderDictionary();
        init => _requestHeaders = value;
    }

    /// <summary>
    /// Metadata to send with the answer (success or error): HTTP response headers; kept on the context
    /// when the transport has nowhere to send them.
    /// </summary>
    public IHeaderDictionary ResponseHeaders
    {
        get => _responseHeaders ??= new HeaderDictionary();
        init => _responseHeaders = value;
    }

    /// <summary>
    /// Metadata to send after the answer, as gRPC and Connect trailers. Connect's unary protocol sends
    /// them as <c>Trailer-</c>-prefixed response headers, with a success or an error; Twirp has no
    /// trailers, so over Twirp they stay on the context. Allocated on first use.
    /// </summary>
    public IHeaderDictionary ResponseTrailers => _responseTrailers ??= new HeaderDictionary();

    /// <summary>Whether anything was added to <see cref="ResponseTrailers"/>, without allocating them.</summary>
    internal bool HasResponseTrailers => _responseTrailers is { Count: > 0 };

    /// <summary>Per-call state shared by hooks, interceptors and the handler; allocated on first use.</summary>
    public IDictionary<object, object?> Items => _items ??= new Dictionary<object, object?>();

    /// <summary>
    /// The transport's feature of type <typeparamref name="TFeature"/>, or null: the
    /// <see cref="Microsoft.AspNetCore.Http.HttpContext"/> over HTTP, the task's details over a queue.
    /// Transports offer typed extension methods over this (<c>GetHttpContext()</c>).
    /// </summary>
    public TFeature? GetFeature<TFeature>()
        where TFeature : class
    {
        if (_firstFeatureType == typeof(TFeature))
        {
            return (TFeature?)_firstFeature;
        }
        return _moreFeatures is not null && _moreFeatures.TryGetValue(typeof(TFeature), out var feature) ? (TFeature)feature : null;
    }

    /// <summary>Sets (or, with null, removes) the feature of type <typeparamref name="TFeature"/>; transports call it when they create the context.</summary>
    public void SetFeature<TFeature>(TFeature? feature)
        where TFeature : class
    {
        if (_firstFeatureType is null || _firstFeatureType == typeof(TFeature))
        {
            _firstFeatureType = feature is null ? null : typeof(TFeature);
            _firstFeature = feature;
            _moreFeatures?.Remove(typeof(TFeature));
            return;
        }
        if (feature is null)
        {
            _moreFeatures?.Remove(typeof(TFeature));
            return;
        }
        (_moreFeatures ??= new Dictionary<Type, object>())[typeof(TFeature)] = feature;
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
