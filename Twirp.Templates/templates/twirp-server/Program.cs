using TwirpService1.Services;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddTwirp(options =>
{
    // Exception details in `internal` errors while developing only.
    options.EnableDetailedErrors = builder.Environment.IsDevelopment();
})
    // PathPrefix, MaxRequestBodySize, Json:... from the "Twirp" section of appsettings.json.
    .BindConfiguration(builder.Configuration.GetSection("Twirp"));

var app = builder.Build();
app.MapTwirp<HaberdasherService>();
app.MapGet("/", () => "Twirp service hats.v1.Haberdasher: POST /twirp/hats.v1.Haberdasher/MakeHat with {\"inches\":12} (application/json) or protobuf.");
app.Run();

/// <summary>Lets tests start this app with WebApplicationFactory&lt;Program&gt; (see Twirp.Testing).</summary>
public partial class Program;
