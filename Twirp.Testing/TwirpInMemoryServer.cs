using System;
using System.Diagnostics.CodeAnalysis;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Twirp.Testing;

/// <summary>
/// Creates <see cref="TwirpInMemoryServer{TService}"/>s: a service served through the real
/// <see cref="TwirpServiceDispatcher"/> (hooks, interceptors, error handling, encodings) to generated
/// clients that call it in memory, with no HTTP at all. For unit tests of handlers.
/// </summary>
public static class TwirpInMemoryServer
{
    /// <summary>
    /// Serves <paramref name="service"/> (one instance for every call) with its own container, in which
    /// <c>AddTwirp(configure)</c> ran: add hooks and interceptors, set detailed errors or the body limit
    /// there. Dispose the server to dispose the container.
    /// </summary>
    public static TwirpInMemoryServer<TService> Create<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TService>(TService service, Action<TwirpOptions>? configure = null)
        where TService : class, ITwirpService
    {
        ArgumentNullException.ThrowIfNull(service);
        var services = new ServiceCollection();
        services.AddTwirp(configure);
        services.AddSingleton(service);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        return new TwirpInMemoryServer<TService>(provider, ownsServices: true);
    }

    /// <summary>
    /// Serves <typeparamref name="TService"/> from <paramref name="services"/>, where <c>AddTwirp</c>
    /// ran: the service is resolved (or created) from a new scope per call, with the options, hooks and
    /// interceptors registered there, as <c>MapTwirp</c> would serve it. For example an app's own
    /// container, <c>factory.Services</c> of a <c>WebApplicationFactory</c>. The container is not
    /// disposed with the server.
    /// </summary>
    public static TwirpInMemoryServer<TService> Create<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TService>(IServiceProvider services)
        where TService : class, ITwirpService
    {
        ArgumentNullException.ThrowIfNull(services);
        return new TwirpInMemoryServer<TService>(services, ownsServices: false);
    }
}

/// <summary>
/// A service served in memory: <see cref="CreateClient{TClient}"/> returns a generated client whose
/// calls go through the service's real dispatcher, as over HTTP but without a server, sockets or
/// HTTP messages. Errors reach the caller as the <see cref="TwirpException"/> an HTTP client would
/// get (code, message and meta as sent on the wire), and cancelling the call's token cancels the
/// handler's <see cref="TwirpContext.CancellationToken"/>.
/// </summary>
/// <typeparam name="TService">The service implementation.</typeparam>
public sealed class TwirpInMemoryServer<TService> : IAsyncDisposable
    where TService : class, ITwirpService
{
    // Generated clients need an HttpClient with an absolute address; an in-memory client never sends
    // through it (its innermost interceptor answers every call), and this handler proves it.
    private static readonly HttpClient NoHttp = new(new RefusingHandler()) { BaseAddress = new Uri("http://in-memory.twirp/") };

    private readonly IServiceProvider _services;
    private readonly bool _ownsServices;
    private readonly TwirpServiceDispatcher _dispatcher;

    internal TwirpInMemoryServer(IServiceProvider services, bool ownsServices)
    {
        _services = services;
        _ownsServices = ownsServices;
        _dispatcher = TwirpServiceDispatcher.Create<TService>(services);
    }

    /// <summary>The container calls are served from; each call gets its own scope of it.</summary>
    public IServiceProvider Services => _services;

    /// <summary>
    /// Creates a client of the service that calls it in memory. <paramref name="configure"/> sets the
    /// client's options: <see cref="TwirpClientOptions.Encoding"/> (JSON or protobuf, encoded and decoded
    /// as over HTTP), <see cref="TwirpClientOptions.Json"/> and <see cref="TwirpClientOptions.Interceptors"/>
    /// (which run around the call). The address, path prefix and response limit have no meaning in memory.
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TClient"/> is a client of another service.</exception>
    /// <exception cref="NotSupportedException">The options have client hooks: they observe the HTTP exchange, which an in-memory call does not have. Use an interceptor.</exception>
    public TClient CreateClient<TClient>(Action<TwirpClientOptions>? configure = null)
        where TClient : TwirpClient, ITwirpClient<TClient>
    {
        var served = _dispatcher.Definition.FullName;
        if (!string.Equals(TClient.ServiceFullName, served, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{typeof(TClient).Name} is a client of {TClient.ServiceFullName}, but this in-memory server serves {served}.");
        }
        var options = new TwirpClientOptions();
        configure?.Invoke(options);
        if (options.Hooks.Count > 0)
        {
            throw new NotSupportedException(
                "Client hooks observe the HTTP request and response, which an in-memory call does not have; use a TwirpClientInterceptor instead.");
        }
        // Innermost, so the caller's interceptors run around the call as they would over HTTP.
        options.Interceptors.Add(new InMemoryCallInterceptor(_dispatcher, _services, new TwirpJsonCodec(options.Json)));
        return TClient.Create(NoHttp, options);
    }

    /// <summary>Disposes the container when the server created it.</summary>
    public ValueTask DisposeAsync() =>
        _ownsServices && _services is IAsyncDisposable disposable ? disposable.DisposeAsync() : default;

    private sealed class RefusingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, System.Threading.CancellationToken cancellationToken) =>
            throw new InvalidOperationException("An in-memory Twirp client sends no HTTP requests.");
    }
}
