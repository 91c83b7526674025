using System;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// `hello`: the runtime alone (prints how long after coldstart's fork Main ran, then exits).
// `serve <url>`: CreateEmptyBuilder, Kestrel and routing only, one MapPost answering fixed bytes.
if (args is ["hello"])
{
    var t0 = long.Parse(Environment.GetEnvironmentVariable("TWIRP_COLDSTART_T0") ?? "0");
    Console.WriteLine($"main_ms={(Stopwatch.GetTimestamp() - t0) * 1000.0 / Stopwatch.Frequency:F1}");
    return 0;
}
var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
builder.WebHost.UseKestrelCore();
builder.Services.AddRoutingCore();
builder.WebHost.UseUrls(args[1]);
var app = builder.Build();
// The 15-byte Hat{inches: 12, color: "red", name: "fedora"} the other servers answer.
byte[] hat = [0x08, 0x0c, 0x12, 0x03, (byte)'r', (byte)'e', (byte)'d', 0x1a, 0x06, (byte)'f', (byte)'e', (byte)'d', (byte)'o', (byte)'r', (byte)'a'];
app.MapPost("/twirp/twirp.example.haberdasher.Haberdasher/MakeHat", (HttpContext context) =>
{
    context.Response.ContentType = "application/protobuf";
    context.Response.ContentLength = hat.Length;
    return context.Response.Body.WriteAsync(hat).AsTask();
});
app.Run();
return 0;
