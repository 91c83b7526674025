using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Twirp.Client.Tests.Infrastructure;

/// <summary>Starts a quiet app serving Twirp services; the caller picks the server (TestServer or Kestrel).</summary>
internal static class TwirpServerApp
{
    public static async Task<WebApplication> StartAsync(
        Action<ConfigureWebHostBuilder> useServer, Action<WebApplication> map, Action<IServiceCollection>? configureServices)
    {
        var builder = WebApplication.CreateSlimBuilder();
        useServer(builder.WebHost);
        builder.Logging.ClearProviders();
        builder.Services.AddTwirp();
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }
}
