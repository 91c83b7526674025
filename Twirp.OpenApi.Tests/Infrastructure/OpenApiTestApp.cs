using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Twirp.OpenApi.Tests.Infrastructure;

/// <summary>A real Kestrel server on 127.0.0.1 (a port the OS picks) serving Twirp services and their document.</summary>
public sealed class OpenApiTestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OpenApiTestApp(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<OpenApiTestApp> StartAsync(Action<WebApplication> map, Action<ITwirpServerBuilder>? configureTwirp = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var twirp = builder.Services.AddTwirp();
        configureTwirp?.Invoke(twirp);
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new OpenApiTestApp(app, new Uri(address));
    }

    /// <summary>
    /// The test services as a user maps them: the kitchen sink with camelCase JSON under /kitchen, the
    /// Haberdasher under a route group; then <paramref name="mapMore"/> (another document, minimal APIs).
    /// </summary>
    public static Task<OpenApiTestApp> StartTestServicesAsync(Action<WebApplication>? mapMore = null, Action<IServiceCollection>? configureServices = null) => StartAsync(
        app =>
        {
            app.MapTwirp<KitchenSinkService>();
            app.MapGroup("/api").MapTwirp<HaberdasherService>();
            app.MapTwirpOpenApi(configure: options => options.Title = "Twirp.OpenApi tests");
            mapMore?.Invoke(app);
        },
        twirp => twirp
            .AddServiceOptions<KitchenSinkService>(options =>
            {
                options.PathPrefix = "/kitchen";
                // The Any in Everything holds a Tag in the generated client's round trip.
                options.Json = new TwirpJsonOptions { UseProtoNames = false, TypeRegistry = TypeRegistry.FromMessages(Common.Tag.Descriptor) };
                options.MaxRequestBodySize = 65536;
            }),
        configureServices);

    public async Task<string> GetDocumentTextAsync(string path = "/openapi/twirp.json")
    {
        using var response = await Http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public async Task<JsonObject> GetDocumentAsync(string path = "/openapi/twirp.json") =>
        JsonNode.Parse(await GetDocumentTextAsync(path))!.AsObject();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
