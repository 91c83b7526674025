using System;
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twirp;
using Twirp.Example.Haberdasher;

// The servers and clients benchmarks/Http/run.sh compares. Every server answers MakeHat at the same
// path with the same 15-byte Hat, so one wrk script drives them all.
//   serve bare|hand|generated <url>
//   client generated|hand <base address> protobuf|json <seconds> <concurrency>
return args switch
{
    ["serve", var mode, var url] => Servers.Run(mode, url),
#if !TWIRP_BENCH_SERVER_ONLY
    ["client", var mode, var baseAddress, var encoding, var seconds, var concurrency] =>
        await Clients.RunAsync(mode, new Uri(baseAddress), encoding == "json", int.Parse(seconds), int.Parse(concurrency)),
#endif
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: serve bare|hand|generated <url> | client generated|hand <base address> protobuf|json <seconds> <concurrency>");
    return 2;
}

internal static class Servers
{
    public const string Path = "/twirp/twirp.example.haberdasher.Haberdasher/MakeHat";

    public static Hat MakeHat(Size size) => new() { Inches = size.Inches, Color = "red", Name = "fedora" };

    public static int Run(string mode, string url)
    {
        ColdStart.Mark("main");
        // TWIRP_BENCH_BUILDER=empty: CreateEmptyBuilder with only Kestrel and routing (cold-start comparisons).
        var empty = Environment.GetEnvironmentVariable("TWIRP_BENCH_BUILDER") == "empty";
        var builder = empty ? WebApplication.CreateEmptyBuilder(new WebApplicationOptions()) : WebApplication.CreateSlimBuilder();
        if (empty)
        {
            builder.WebHost.UseKestrelCore();
            builder.Services.AddRoutingCore();
        }
        else
        {
            builder.Logging.ClearProviders();
        }
        builder.WebHost.UseUrls(url);
        if (mode == "generated")
        {
            builder.Services.AddTwirp();
            // The service is a singleton, the way to serve calls without allocating a service per call
            // (docs/server.md); TWIRP_BENCH_SERVICE=per-call leaves it unregistered, created per call.
            if (Environment.GetEnvironmentVariable("TWIRP_BENCH_SERVICE") != "per-call")
            {
                builder.Services.AddSingleton<Hatter>();
            }
        }
        var app = builder.Build();
        ColdStart.Mark("built");
        ColdStart.Observe(app);
        // run.sh reads it before and after each round: bytes allocated per request, exactly.
        app.MapGet("/allocated", static context => context.Response.WriteAsync(GC.GetTotalAllocatedBytes(precise: true).ToString(CultureInfo.InvariantCulture)));
        // TWIRP_BENCH_ALLOCATIONS=1: which types the allocations are (the runtime's sampled AllocationTick events).
        if (Environment.GetEnvironmentVariable("TWIRP_BENCH_ALLOCATIONS") == "1")
        {
            var sampler = new AllocationSampler();
            app.MapGet("/allocations", context => context.Response.WriteAsync(sampler.Report()));
        }
        switch (mode)
        {
            case "bare":
                app.MapPost(Path, (RequestDelegate)Bare.HandleAsync);
                break;
            case "hand":
                app.MapPost(Path, (RequestDelegate)HandWritten.HandleAsync);
                break;
            case "generated":
                app.MapTwirp<Hatter>();
                break;
            default:
                Console.Error.WriteLine($"unknown server {mode}");
                return 2;
        }
        app.Start();
        ColdStart.Mark("listening");
        app.WaitForShutdown();
        return 0;
    }

    private sealed class Hatter : HaberdasherBase
    {
        public override Task<Hat> MakeHat(Size request, TwirpContext context) => Task.FromResult(Servers.MakeHat(request));
    }
}

/// <summary>
/// The server's own cold-start phases, on the time line of benchmarks/Http/coldstart.c: it passes its start
/// (CLOCK_MONOTONIC, which Stopwatch reads on Linux) as TWIRP_COLDSTART_T0. Printed after the first answer,
/// so printing costs the measured answer nothing. Off (one environment read) without the variable.
/// </summary>
internal static class ColdStart
{
    private static readonly long Start = long.TryParse(Environment.GetEnvironmentVariable("TWIRP_COLDSTART_T0"), out var t0) ? t0 : 0;
    private static readonly (string Phase, long At)[] Marks = new (string, long)[8];
    private static int _count;
    private static int _printed;

    public static void Mark(string phase)
    {
        if (Start != 0 && _count < Marks.Length)
        {
            Marks[_count++] = (phase, Stopwatch.GetTimestamp());
        }
    }

    public static void Observe(WebApplication app)
    {
        if (Start == 0)
        {
            return;
        }
        app.Use(static (context, next) =>
        {
            if (Volatile.Read(ref _printed) == 0)
            {
                Mark("request");
                context.Response.OnCompleted(static () =>
                {
                    if (Interlocked.Exchange(ref _printed, 1) == 0)
                    {
                        var text = new StringBuilder("phases_ms");
                        for (var i = 0; i < _count; i++)
                        {
                            var ms = (Marks[i].At - Start) * 1000.0 / Stopwatch.Frequency;
                            text.Append(CultureInfo.InvariantCulture, $" {Marks[i].Phase}={ms:F1}");
                        }
                        Console.Error.WriteLine(text.ToString());
                    }
                    return Task.CompletedTask;
                });
            }
            return next(context);
        });
    }
}

/// <summary>
/// Counts the runtime's AllocationTick events (one per ~100 KB allocated, naming the type that crossed
/// the threshold) by type: over many calls, the share of each type in what a call allocates.
/// </summary>
internal sealed class AllocationSampler : System.Diagnostics.Tracing.EventListener
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _bytes = new();

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1); // GC keyword
        }
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) == true && e.Payload is { } payload && e.PayloadNames is { } names)
        {
            var type = (string?)payload[names.IndexOf("TypeName")] ?? "?";
            var amount = Convert.ToInt64(payload[names.IndexOf("AllocationAmount64")], CultureInfo.InvariantCulture);
            _bytes.AddOrUpdate(type, amount, (_, total) => total + amount);
        }
    }

    public string Report()
    {
        var total = 0L;
        foreach (var entry in _bytes)
        {
            total += entry.Value;
        }
        var text = new StringBuilder();
        foreach (var entry in System.Linq.Enumerable.OrderByDescending(_bytes, static entry => entry.Value))
        {
            text.Append(CultureInfo.InvariantCulture, $"{100.0 * entry.Value / Math.Max(total, 1),5:F1}% {entry.Key}\n");
        }
        return text.ToString();
    }
}

/// <summary>The limit: routing and Kestrel only, answering fixed bytes without reading the body.</summary>
internal static class Bare
{
    private static readonly byte[] Hat = Servers.MakeHat(new Size { Inches = 12 }).ToByteArray();

    public static Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "application/protobuf";
        response.ContentLength = Hat.Length;
        Hat.CopyTo(response.BodyWriter.GetSpan(Hat.Length));
        response.BodyWriter.Advance(Hat.Length);
        return Task.CompletedTask;
    }
}

/// <summary>What a careful developer writes by hand for one Twirp method: no hooks, no errors beyond the basics.</summary>
internal static class HandWritten
{
    public static async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var reader = request.BodyReader;
        ReadResult read;
        while (!(read = await reader.ReadAsync()).IsCompleted)
        {
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
        var body = read.Buffer;
        var response = context.Response;
        if (request.ContentType == "application/json")
        {
            var size = JsonParser.Default.Parse<Size>(Encoding.UTF8.GetString(body));
            reader.AdvanceTo(body.End);
            var json = JsonFormatter.Default.Format(Servers.MakeHat(size));
            var length = Encoding.UTF8.GetByteCount(json);
            response.ContentType = "application/json";
            response.ContentLength = length;
            Encoding.UTF8.GetBytes(json, response.BodyWriter.GetSpan(length));
            response.BodyWriter.Advance(length);
        }
        else
        {
            var size = Size.Parser.ParseFrom(body);
            reader.AdvanceTo(body.End);
            var hat = Servers.MakeHat(size);
            var length = hat.CalculateSize();
            response.ContentType = "application/protobuf";
            response.ContentLength = length;
            hat.WriteTo(response.BodyWriter.GetSpan(length).Slice(0, length));
            response.BodyWriter.Advance(length);
        }
    }
}

internal static class Clients
{
    /// <summary>Calls MakeHat from <paramref name="concurrency"/> loops for <paramref name="seconds"/>; prints calls/s and the allocation per call.</summary>
    public static async Task<int> RunAsync(string mode, Uri baseAddress, bool json, int seconds, int concurrency)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = baseAddress };
        Func<Task> call = mode switch
        {
            "generated" => Generated(http, json),
            "hand" => HandWritten(http, json),
            _ => throw new ArgumentException($"unknown client {mode}"),
        };
        await call();
        var stop = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        long calls = 0;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var loops = new Task[concurrency];
        for (var i = 0; i < loops.Length; i++)
        {
            loops[i] = Task.Run(async () =>
            {
                while (stop.Elapsed < deadline)
                {
                    await call();
                    Interlocked.Increment(ref calls);
                }
            });
        }
        await Task.WhenAll(loops);
        var elapsed = stop.Elapsed.TotalSeconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        Console.WriteLine($"calls_per_s={calls / elapsed:F0} bytes_per_call={allocated / Math.Max(calls, 1)}");
        return 0;
    }

    private static Func<Task> Generated(HttpClient http, bool json)
    {
        var client = new HaberdasherClient(http, new TwirpClientOptions { Encoding = json ? TwirpEncoding.Json : TwirpEncoding.Protobuf });
        var size = new Size { Inches = 12 };
        return async () =>
        {
            var hat = await client.MakeHatAsync(size);
            if (hat.Inches != 12)
            {
                throw new InvalidOperationException("wrong hat");
            }
        };
    }

    private static Func<Task> HandWritten(HttpClient http, bool json)
    {
        var size = new Size { Inches = 12 };
        var path = new Uri(Servers.Path, UriKind.Relative);
        var protobuf = MediaTypeHeaderValue.Parse("application/protobuf");
        var jsonType = MediaTypeHeaderValue.Parse("application/json");
        return async () =>
        {
            HttpContent content;
            if (json)
            {
                content = new StringContent(JsonFormatter.Default.Format(size), Encoding.UTF8);
                content.Headers.ContentType = jsonType;
            }
            else
            {
                content = new ByteArrayContent(size.ToByteArray());
                content.Headers.ContentType = protobuf;
            }
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            response.EnsureSuccessStatusCode();
            var hat = json
                ? JsonParser.Default.Parse<Hat>(await response.Content.ReadAsStringAsync())
                : Hat.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
            if (hat.Inches != 12)
            {
                throw new InvalidOperationException("wrong hat");
            }
        };
    }
}
