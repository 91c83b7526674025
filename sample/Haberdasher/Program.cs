using System;
using Haberdasher;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Scalar.AspNetCore;
using Twirp;

// `-- --otel-console` prints Twirp's spans and metrics with OpenTelemetry's console exporter.
var otelConsole = Array.IndexOf(args, "--otel-console") >= 0;
args = Array.FindAll(args, arg => arg != "--otel-console");

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTwirp(options =>
{
    // Exception details in `internal` errors while developing only.
    options.EnableDetailedErrors = builder.Environment.IsDevelopment();
    options.Hooks.Add(CallLogging.Hooks);
})
    // The "Twirp" section of appsettings.json; edits apply to the next call, no restart needed.
    .BindConfiguration(builder.Configuration.GetSection("Twirp"));

if (otelConsole)
{
    builder.Services.AddOpenTelemetry()
        .WithTracing(tracing => tracing.AddSource(TwirpDiagnostics.ServerName).AddConsoleExporter())
        .WithMetrics(metrics => metrics.AddMeter(TwirpDiagnostics.ServerName).AddConsoleExporter(
            (_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 5000));
}

var app = builder.Build();
app.MapTwirp<HaberdasherService>();
// The OpenAPI 3.1 document of every Twirp service above, at /openapi/twirp.json.
app.MapTwirpOpenApi();
if (app.Environment.IsDevelopment())
{
    // A page to read and try the document at /scalar, served from this app alone: Scalar's script is embedded
    // in its package, and the fonts, telemetry, AI features and hosted-service toolbar that would reach its servers are off.
    app.MapScalarApiReference(options => options
        .WithTitle("Haberdasher API")
        .AddDocument("twirp", "Twirp services", "/openapi/twirp.json", isDefault: true)
        .DisableDefaultFonts()
        .DisableTelemetry()
        .DisableAgent()
        .DisableMcp()
        .HideDeveloperTools());
}
app.Run();

/// <summary>Lets in-memory tests start this app with WebApplicationFactory-style hosting.</summary>
public partial class Program;
