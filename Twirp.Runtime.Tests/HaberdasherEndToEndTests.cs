using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using NUnit.Framework;
using Twirp.Example.Haberdasher;

namespace Twirp.Runtime.Tests;

public class HaberdasherEndToEndTests
{
    private const string MakeHatPath = "/twirp/twirp.example.haberdasher.Haberdasher/MakeHat";

    private sealed class FixedHaberdasher : HaberdasherBase
    {
        public override Task<Hat> MakeHat(Size request, TwirpContext context)
        {
            if (request.Inches <= 0)
            {
                throw new TwirpException(TwirpErrorCode.InvalidArgument, "inches must be positive");
            }
            return Task.FromResult(new Hat { Inches = request.Inches, Color = "red", Name = "fedora" });
        }
    }

    [Test]
    public async Task MakeHat_over_protobuf_returns_the_handlers_hat()
    {
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<FixedHaberdasher>());
        var content = new ByteArrayContent(new Size { Inches = 12 }.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/protobuf");

        var response = await app.Client.PostAsync(MakeHatPath, content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/protobuf"));
        var hat = Hat.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.That(hat, Is.EqualTo(new Hat { Inches = 12, Color = "red", Name = "fedora" }));
    }

    [Test]
    public async Task MakeHat_over_json_returns_the_handlers_hat()
    {
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<FixedHaberdasher>());
        var content = new StringContent("{\"inches\":7}", System.Text.Encoding.UTF8, "application/json");

        var response = await app.Client.PostAsync(MakeHatPath, content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        var hat = JsonParser.Default.Parse<Hat>(await response.Content.ReadAsStringAsync());
        Assert.That(hat, Is.EqualTo(new Hat { Inches = 7, Color = "red", Name = "fedora" }));
    }

    [Test]
    public async Task TwirpException_from_the_handler_becomes_a_twirp_json_error_with_its_status()
    {
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<FixedHaberdasher>());
        var content = new StringContent("{\"inches\":0}", System.Text.Encoding.UTF8, "application/json");

        var response = await app.Client.PostAsync(MakeHatPath, content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(body.RootElement.GetProperty("code").GetString(), Is.EqualTo("invalid_argument"));
        Assert.That(body.RootElement.GetProperty("msg").GetString(), Is.EqualTo("inches must be positive"));
        Assert.That(body.RootElement.TryGetProperty("meta", out _), Is.False, "meta is omitted when empty");
    }
}
