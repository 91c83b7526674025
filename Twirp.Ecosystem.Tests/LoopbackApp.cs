using System;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Twirp.Ecosystem.Tests;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with two ports the OS picks: one for HTTP/1.1, one for cleartext
/// HTTP/2 (h2c with prior knowledge, as Grpc.Net.Client sends it to an <c>http://</c> address). One
/// port cannot do both: without TLS there is no ALPN, and Kestrel answers an HTTP/2 preface on an
/// Http1AndHttp2 endpoint with HTTP_1_1_REQUIRED.
/// </summary>
public sealed class LoopbackApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackApp(WebApplication app, Uri address, Uri http2Address)
    {
        _app = app;
        Address = address;
        Http2Address = http2Address;
    }

    /// <summary>The HTTP/1.1 port.</summary>
    public Uri Address { get; }

    /// <summary>The HTTP/2-only port.</summary>
    public Uri Http2Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<LoopbackApp> StartAsync(Action<IServiceCollection> configureServices, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        ListenOptions? http1 = null;
        ListenOptions? http2 = null;
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => (http1 = listen).Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, 0, listen => (http2 = listen).Protocols = HttpProtocols.Http2);
        });
        builder.Logging.ClearProviders();
        configureServices(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        // Kestrel writes the port it bound back into each endpoint's options.
        return new LoopbackApp(app, new Uri($"http://127.0.0.1:{http1!.IPEndPoint!.Port}"), new Uri($"http://127.0.0.1:{http2!.IPEndPoint!.Port}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
