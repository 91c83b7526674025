using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Twirp.Client.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a port the OS picks: reachable from other processes (node)
/// and from SocketsHttpHandler, unlike TestServer.
/// </summary>
public sealed class KestrelApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelApp(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<KestrelApp> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? configureServices = null)
    {
        var app = await TwirpServerApp.StartAsync(
            static host => host.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0)), map, configureServices);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new KestrelApp(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
