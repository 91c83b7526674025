using System;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Twirp.Client.Tests.Infrastructure;

/// <summary>An in-memory server for one test; <see cref="CreateHandler"/> plugs it under a client.</summary>
public sealed class TestServerApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServerApp(WebApplication app) => _app = app;

    public static Uri BaseAddress { get; } = new("http://localhost");

    public static async Task<TestServerApp> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? configureServices = null)
    {
        var app = await TwirpServerApp.StartAsync(static host => host.UseTestServer(), map, configureServices);
        return new TestServerApp(app);
    }

    public HttpMessageHandler CreateHandler() => _app.GetTestServer().CreateHandler();

    public HttpClient CreateClient() => new(CreateHandler()) { BaseAddress = BaseAddress };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
