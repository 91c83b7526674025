using System;
using System.Linq;
using System.Net.Http;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Twirp;
using Twirp.Example.Haberdasher;

// Calls the sample server (`dotnet run --project sample/Haberdasher`) from a console app.
// Usage: dotnet run --project sample/HaberdasherClient [-- <base address> [json] [--otel-console]]
// --otel-console prints the client's spans and, on exit, its metrics with OpenTelemetry's console exporter.
using var tracing = args.Contains("--otel-console")
    ? Sdk.CreateTracerProviderBuilder().AddSource(TwirpDiagnostics.ClientName).AddConsoleExporter().Build()
    : null;
using var metrics = args.Contains("--otel-console")
    ? Sdk.CreateMeterProviderBuilder().AddMeter(TwirpDiagnostics.ClientName).AddConsoleExporter().Build()
    : null;
args = Array.FindAll(args, arg => arg != "--otel-console");
var baseAddress = new Uri(args.Length > 0 ? args[0] : "http://localhost:5000");
var encoding = args.Contains("json") ? TwirpEncoding.Json : TwirpEncoding.Protobuf;

// Twirp is POST-only: a redirect comes from something in between, so it is reported, not followed.
using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false })
{
    BaseAddress = baseAddress,
    Timeout = TimeSpan.FromSeconds(10),
};
var client = new HaberdasherClient(http, new TwirpClientOptions { Encoding = encoding });

try
{
    foreach (var inches in new[] { 12, 0 })
    {
        try
        {
            var hat = await client.MakeHatAsync(new Size { Inches = inches });
            Console.WriteLine($"{inches} inches: a {hat.Color} {hat.Name}");
        }
        catch (TwirpException error) when (error.Code != TwirpErrorCode.Unavailable || error.InnerException is null)
        {
            var meta = string.Join(", ", error.Meta.Select(pair => $"{pair.Key}={pair.Value}"));
            Console.WriteLine($"{inches} inches: {error.Code.ToWireName()}: {error.Message} [{meta}]");
        }
    }
    return 0;
}
catch (TwirpException error) when (error.InnerException is HttpRequestException unreachable)
{
    Console.Error.WriteLine($"Could not reach {baseAddress}: {unreachable.Message}. Is the sample server running?");
    return 1;
}
