using Haberdasher;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTwirp();

var app = builder.Build();
app.MapTwirp<HaberdasherService>();
app.Run();

/// <summary>Lets in-memory tests start this app with WebApplicationFactory-style hosting.</summary>
public partial class Program;
