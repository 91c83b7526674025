using Haberdasher;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTwirp(options =>
{
    // Exception details in `internal` errors while developing only.
    options.EnableDetailedErrors = builder.Environment.IsDevelopment();
    options.Hooks.Add(CallLogging.Hooks);
})
    // The "Twirp" section of appsettings.json; edits apply to the next call, no restart needed.
    .BindConfiguration(builder.Configuration.GetSection("Twirp"));

var app = builder.Build();
app.MapTwirp<HaberdasherService>();
app.Run();

/// <summary>Lets in-memory tests start this app with WebApplicationFactory-style hosting.</summary>
public partial class Program;
