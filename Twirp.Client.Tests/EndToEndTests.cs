using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using NUnit.Framework;
using Twirp.Client.Tests.Infrastructure;
using Twirp.Example.Haberdasher;

namespace Twirp.Client.Tests;

/// <summary>Our client against our server (Twirp.Runtime), in memory.</summary>
[TestFixture(TwirpEncoding.Protobuf)]
[TestFixture(TwirpEncoding.Json)]
public class EndToEndTests(TwirpEncoding encoding)
{
    private sealed class PickyHaberdasher : HaberdasherBase
    {
        public override Task<Hat> MakeHat(Size request, TwirpContext context)
        {
            if (request.Inches <= 0)
            {
                throw new TwirpException(TwirpErrorCode.InvalidArgument, "inches must be positive",
                    new Dictionary<string, string> { ["argument"] = "inches", ["min"] = "1" });
            }
            return Task.FromResult(new Hat { Inches = request.Inches, Color = "blue", Name = "bowler" });
        }
    }

    [Test]
    public async Task Call_returns_the_servers_response()
    {
        await using var server = await TestServerApp.StartAsync(app => app.MapTwirp<PickyHaberdasher>());
        var client = new HaberdasherClient(server.CreateClient(), new TwirpClientOptions { Encoding = encoding });

        var hat = await client.MakeHatAsync(new Size { Inches = 9 });

        Assert.That(hat, Is.EqualTo(new Hat { Inches = 9, Color = "blue", Name = "bowler" }));
    }

    [Test]
    public async Task Error_thrown_by_the_handler_arrives_with_code_message_and_meta()
    {
        await using var server = await TestServerApp.StartAsync(app => app.MapTwirp<PickyHaberdasher>());
        var client = new HaberdasherClient(server.CreateClient(), new TwirpClientOptions { Encoding = encoding });

        var error = Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size { Inches = 0 }));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.InvalidArgument));
        Assert.That(error.Message, Is.EqualTo("inches must be positive"));
        Assert.That(error.Meta, Is.EquivalentTo(new Dictionary<string, string> { ["argument"] = "inches", ["min"] = "1" }));
    }

    [Test]
    public async Task Unknown_route_is_reported_as_bad_route()
    {
        await using var server = await TestServerApp.StartAsync(app => app.MapTwirp<PickyHaberdasher>());
        var client = new HaberdasherClient(server.CreateClient(), new TwirpClientOptions { Encoding = encoding, PathPrefix = "/not-twirp" });

        var error = Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size { Inches = 1 }));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.BadRoute));
    }
}
