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
    ["client", var mode, var baseAddress, var encoding, var seconds, var concurrency] =>
        await Clients.RunAsync(mode, new Uri(baseAddress), encoding == "json", int.Parse(seconds), int.Parse(concurrency)),
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
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        if (mode == "generated")
        {
            builder.Services.AddTwirp();
        }
        var app = builder.Build();
        // run.sh reads it before and after each round: bytes allocated per request, exactly.
        app.MapGet("/allocated", static context => context.Response.WriteAsync(GC.GetTotalAllocatedBytes(precise: true).ToString(CultureInfo.InvariantCulture)));
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
        app.Run();
        return 0;
    }

    private sealed class Hatter : HaberdasherBase
    {
        public override Task<Hat> MakeHat(Size request, TwirpContext context) => Task.FromResult(Servers.MakeHat(request));
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
