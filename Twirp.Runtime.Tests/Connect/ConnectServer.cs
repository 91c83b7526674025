using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Twirp.Runtime.Tests.Connect;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (a port the OS picks) mapping <see cref="ProbeService"/> and
/// <see cref="EchoService"/>, and an HttpClient that sends bytes as given: no automatic decompression.
/// </summary>
public sealed class ConnectServer : IAsyncDisposable
{
    public const string QueryPath = "/twirp/twirp.runtime.tests.connect.Probe/Query";
    public const string UpdatePath = "/twirp/twirp.runtime.tests.connect.Probe/Update";

    private readonly WebApplication _app;

    private ConnectServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = baseAddress };
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ConnectServer> StartAsync(Action<TwirpOptions>? configureTwirp = null, Action<WebApplication>? configureApp = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddTwirp(configureTwirp);
        builder.Services.AddSingleton<CallProbe>().AddScoped<ScopedDependency>();
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        configureApp?.Invoke(app);
        app.MapTwirp<ProbeService>();
        app.MapTwirp<EchoService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ConnectServer(app, new Uri(address));
    }

    /// <summary>A Connect POST: <c>application/proto</c> (binary) or <c>application/json</c> with the protocol header.</summary>
    public static HttpRequestMessage Post(string path, IMessage message, bool json = false, IDictionary<string, string>? headers = null)
    {
        var body = json ? Encoding.UTF8.GetBytes(TwirpJsonCodec.Default.Formatter.Format(message)) : message.ToByteArray();
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(json ? "application/json" : "application/proto");
        request.Headers.Add("Connect-Protocol-Version", "1");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return request;
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => Client.SendAsync(request);

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }
        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress))
        {
            gzip.CopyTo(output);
        }
        return output.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A Connect error body as a client reads it, with the response's status and headers.</summary>
public sealed record ConnectErrorBody(int Status, string? ContentType, string Code, string? Message, JsonElement[] Details, HttpResponseMessage Response)
{
    public static async Task<ConnectErrorBody> ReadAsync(HttpResponseMessage response)
    {
        var json = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var details = root.TryGetProperty("details", out var array) ? array.EnumerateArray().Select(e => e.Clone()).ToArray() : [];
        return new ConnectErrorBody((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, root.GetProperty("code").GetString()!,
            root.TryGetProperty("message", out var message) ? message.GetString() : null, details, response);
    }
}
