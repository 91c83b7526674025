using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Twirp.Runtime.FaultTests;

/// <summary>
/// The fault service on real Kestrel on a loopback port, with every log entry captured. Kestrel's
/// timeouts are shortened so the slow-client cases finish in seconds; the rest is Kestrel's defaults.
/// </summary>
public sealed class FaultServer : IAsyncDisposable
{
    /// <summary>A header that makes the test middleware call <c>CancelPendingRead</c> on the body after that many milliseconds.</summary>
    public const string CancelBodyReadHeader = "X-Cancel-Body-Read-After-Ms";

    public const string EchoPath = "/twirp/twirp.fault.Fault/Echo";
    public const string SlowPath = "/twirp/twirp.fault.Fault/Slow";

    private readonly WebApplication _app;

    private FaultServer(WebApplication app, TwirpLogCapture logs, Uri address)
    {
        _app = app;
        Logs = logs;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public TwirpLogCapture Logs { get; }

    public Uri Address { get; }

    public int Port => Address.Port;

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Builds the app the tests and the standalone server process (<c>serve</c>) both run.</summary>
    public static WebApplication Build(string[] args, TwirpLogCapture? logs, long? maxRequestBodySize = TwirpOptions.DefaultMaxRequestBodySize, TimeSpan? shutdownTimeout = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(2);
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 100, gracePeriod: TimeSpan.FromSeconds(2));
        });
        if (builder.Configuration["urls"] is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        if (logs is not null)
        {
            builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Debug).AddProvider(logs);
        }
        if (shutdownTimeout is { } timeout)
        {
            builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = timeout);
        }
        builder.Services.AddSingleton<InFlightCalls>();
        builder.Services.AddTwirp(o => o.MaxRequestBodySize = maxRequestBodySize);
        var app = builder.Build();
        app.Use(static (context, next) =>
        {
            if (context.Request.Headers.TryGetValue(CancelBodyReadHeader, out var after) && int.TryParse(after, out var milliseconds))
            {
                var reader = context.Request.BodyReader;
                _ = Task.Delay(milliseconds).ContinueWith(_ => reader.CancelPendingRead(), TaskScheduler.Default);
            }
            return next(context);
        });
        app.MapTwirp<FaultService>();
        app.MapGet("/in-flight", static (InFlightCalls calls) => calls.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return app;
    }

    public static async Task<FaultServer> StartAsync(long? maxRequestBodySize = TwirpOptions.DefaultMaxRequestBodySize)
    {
        var logs = new TwirpLogCapture();
        var app = Build([], logs, maxRequestBodySize);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FaultServer(app, logs, new Uri(address));
    }

    public RawConnection Connect() => RawConnection.Open(new IPEndPoint(IPAddress.Loopback, Port));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
