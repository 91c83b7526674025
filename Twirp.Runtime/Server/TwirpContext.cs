using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>
/// One call in progress, shared by the handler, hooks and interceptors: the method, the transport's
/// exchange (the <see cref="Microsoft.AspNetCore.Http.HttpContext"/> over HTTP), the cancellation token,
/// headers, the status answered so far and a bag for per-call state. Construct one directly in unit tests;
/// no server is needed.
/// </summary>
public sealed class TwirpContext
{
    private static readonly IServiceProvider NoServices = new EmptyServiceProvider();

    private Dictionary<object, object?>? _items;
    private IHeaderDictionary? _requestHeaders;
    private IHeaderDictionary? _responseHeaders;
    private IServiceProvider? _services;

    // The TwirpMethod called, or the TwirpServiceDefinition of a bad route: one field rather than two
    // keeps the per-call allocation as small as it was.
    private readonly object _target;

    /// <summary>Creates a context for <paramref name="method"/>, optionally bound to an HTTP exchange.</summary>
    /// <param name="method">The method being called.</param>
    /// <param name="httpContext">The HTTP exchange, or null for another transport or a unit test.</param>
    /// <param name="cancellationToken">Used when there is no <paramref name="httpContext"/>; otherwise the request's abort token is.</param>
    public TwirpContext(TwirpMethod method, HttpContext? httpContext = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        _target = method;
        HttpContext = httpContext;
        CancellationToken = httpContext?.RequestAborted ?? cancellationToken;
    }

    /// <summary>
    /// Creates a context for a request to <paramref name="service"/> that names none of its methods (a
    /// bad route): <see cref="Method"/> and <see cref="MethodName"/> are null.
    /// </summary>
    /// <param name="service">The service the request's path names.</param>
    /// <param name="httpContext">The HTTP exchange, or null for another transport or a unit test.</param>
    /// <param name="cancellationToken">Used when there is no <paramref name="httpContext"/>; otherwise the request's abort token is.</param>
    public TwirpContext(TwirpServiceDefinition service, HttpContext? httpContext = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        _target = service;
        HttpContext = httpContext;
        CancellationToken = httpContext?.RequestAborted ?? cancellationToken;
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

    /// <summary><c>package.Service/Method</c>, or <c>package.Service</c> for a bad route: what logs name.</summary>
    internal string RouteName => _target is TwirpMethod method ? method.FullName : ((TwirpServiceDefinition)_target).FullName;

    /// <summary>The HTTP exchange, or null when the call came over another transport or from a test.</summary>
    public HttpContext? HttpContext { get; }

    /// <summary>Signalled when the client goes away or the call is otherwise abandoned.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>
    /// The encoding of the request, which the response uses too. Known once the request is routed
    /// (from the <c>RequestRouted</c> hook on); set by the transport in
    /// <see cref="ITwirpServerExchange.CheckRequest"/>.
    /// </summary>
    public TwirpEncoding Encoding { get; set; }

    /// <summary>
    /// The HTTP status of the answer: 0 until one is decided, 200 once the response is prepared, the
    /// error's status once an error is.
    /// </summary>
    public int StatusCode { get; internal set; }

    /// <summary>The error the call is answered with, if any; set before the <c>Error</c> hooks run.</summary>
    public TwirpException? Error { get; internal set; }

    /// <summary>Whether the answer (success or error) has been handed to the transport.</summary>
    internal bool Answered { get; set; }

    /// <summary>
    /// The call's services: the request's scope over HTTP (so scoped dependencies are per call), else
    /// what the transport set, else an empty provider.
    /// </summary>
    public IServiceProvider RequestServices
    {
        get => _services ?? HttpContext?.RequestServices ?? NoServices;
        set => _services = value;
    }

    /// <summary>The request headers; over another transport or in a test, a writable empty collection.</summary>
    public IHeaderDictionary RequestHeaders => HttpContext?.Request.Headers ?? (_requestHeaders ??= new HeaderDictionary());

    /// <summary>Headers to send with the response (success or error); kept on the context when there is no HTTP exchange.</summary>
    public IHeaderDictionary ResponseHeaders => HttpContext?.Response.Headers ?? (_responseHeaders ??= new HeaderDictionary());

    /// <summary>Per-call state shared by hooks, interceptors and the handler; allocated on first use.</summary>
    public IDictionary<object, object?> Items => _items ??= new Dictionary<object, object?>();

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
