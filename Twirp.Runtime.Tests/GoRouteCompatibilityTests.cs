using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.Runtime.Tests.GoRoutes;

namespace Twirp.Runtime.Tests;

/// <summary>
/// Twirp Go's servers also answer the CamelCased spelling of a snake_case service or method name
/// (protoc-gen-twirp, twitchtv/twirp#257), which Go clients send by default: so do ours, while a
/// literal name always keeps its route.
/// </summary>
public class GoRouteCompatibilityTests
{
    private const string Package = "/twirp/twirp.runtime.tests.goroutes.";

    private static Task<TwirpTestApp> StartAsync(bool hatRackFirst = false, List<string>? routed = null) =>
        TwirpTestApp.StartAsync(
            app =>
            {
                app.MapTwirp<Haberdasher>();
                if (hatRackFirst)
                {
                    app.MapTwirp<LiteralHatRack>();
                    app.MapTwirp<SnakeHatRack>();
                }
                else
                {
                    app.MapTwirp<SnakeHatRack>();
                    app.MapTwirp<LiteralHatRack>();
                }
            },
            configureTwirp: o => o.Hooks.Add(new TwirpHooks
            {
                RequestReceived = context =>
                {
                    routed?.Add(context.ServiceName + "/" + (context.MethodName ?? "-"));
                    return default;
                },
            }));

    private static async Task<string> ServedByAsync(TwirpTestApp app, string path)
    {
        var response = await app.PostProtobufAsync(path, new Hat_v1());
        Assert.That((int)response.StatusCode, Is.EqualTo(200), path + ": " + await response.Content.ReadAsStringAsync());
        return Hat_v1.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).ServedBy;
    }

    [TestCase("Haberdasher_v1/MakeHat_v1")]
    [TestCase("HaberdasherV1/MakeHatV1")]
    [TestCase("Haberdasher_v1/MakeHatV1")]
    [TestCase("HaberdasherV1/MakeHat_v1")]
    public async Task Literal_and_go_camel_cased_spellings_reach_the_same_method(string route)
    {
        await using var app = await StartAsync();

        Assert.That(await ServedByAsync(app, Package + route), Is.EqualTo("MakeHat_v1"));
    }

    [TestCase("makeBowler")]
    [TestCase("MakeBowler")]
    public async Task A_spelling_that_differs_only_in_case_is_served_by_the_same_endpoint(string method)
    {
        await using var app = await StartAsync();

        Assert.That(await ServedByAsync(app, Package + "HaberdasherV1/" + method), Is.EqualTo("makeBowler"));
    }

    [TestCase("MAKEBOWLER")]
    [TestCase("makebowler")]
    [TestCase("Makehat_v1")]
    public async Task Other_case_variants_stay_bad_routes(string method)
    {
        await using var app = await StartAsync();

        var error = await TwirpErrorBody.ReadAsync(await app.PostProtobufAsync(Package + "Haberdasher_v1/" + method, new Hat_v1()));

        Assert.That((error.Status, error.Code), Is.EqualTo((404, "bad_route")));
        Assert.That(error.Msg, Is.EqualTo($"no handler for path \"{Package}Haberdasher_v1/{method}\""));
    }

    [Test]
    public async Task A_camel_cased_method_name_equal_to_another_methods_name_but_for_case_is_left_to_that_method()
    {
        await using var app = await StartAsync();

        Assert.That(await ServedByAsync(app, Package + "Haberdasher_v1/get_hat"), Is.EqualTo("get_hat"));
        Assert.That(await ServedByAsync(app, Package + "Haberdasher_v1/gethat"), Is.EqualTo("gethat"));
        Assert.That(await ServedByAsync(app, Package + "Haberdasher_v1/Gethat"), Is.EqualTo("gethat"));
        // Go would serve get_hat here; ASP.NET Core routing ignores case, so the route is gethat's.
        var error = await TwirpErrorBody.ReadAsync(await app.PostProtobufAsync(Package + "Haberdasher_v1/GetHat", new Hat_v1()));
        Assert.That((error.Status, error.Code), Is.EqualTo((404, "bad_route")));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_camel_cased_service_name_that_another_service_has_is_left_to_that_service_whichever_is_mapped_first(bool hatRackFirst)
    {
        await using var app = await StartAsync(hatRackFirst);

        Assert.That(await ServedByAsync(app, Package + "HatRack/Hang"), Is.EqualTo("HatRack.Hang"));
        Assert.That(await ServedByAsync(app, Package + "hat_rack/Hang"), Is.EqualTo("hat_rack.Hang"));
    }

    [Test]
    public async Task An_unknown_method_under_the_camel_cased_service_name_is_a_bad_route_of_that_service()
    {
        var routed = new List<string>();
        await using var app = await StartAsync(routed: routed);

        var error = await TwirpErrorBody.ReadAsync(await app.PostProtobufAsync(Package + "HaberdasherV1/Nope", new Hat_v1()));

        Assert.That((error.Status, error.Code), Is.EqualTo((404, "bad_route")));
        Assert.That(error.Msg, Is.EqualTo($"no handler for path \"{Package}HaberdasherV1/Nope\""));
        Assert.That(routed, Is.EqualTo(new[] { "Haberdasher_v1/-" }), "the service's hooks run, with no method");
    }

    [Test]
    public async Task A_camel_cased_route_under_a_wrong_prefix_names_the_expected_prefix()
    {
        await using var app = await StartAsync();

        var error = await TwirpErrorBody.ReadAsync(await app.PostProtobufAsync("/TWIRP/twirp.runtime.tests.goroutes.HaberdasherV1/MakeHatV1", new Hat_v1()));

        Assert.That(error.Msg, Is.EqualTo("invalid path prefix \"/TWIRP\", expected \"/twirp\", on path \"/TWIRP/twirp.runtime.tests.goroutes.HaberdasherV1/MakeHatV1\""));
    }

    [Test]
    public async Task Conventions_and_method_metadata_reach_the_camel_cased_routes_which_rank_below_literal_routes()
    {
        var marker = new object();
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<Haberdasher>().WithMetadata(marker));

        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<TwirpMethod>()?.Name == "MakeHat_v1")
            .ToDictionary(e => e.RoutePattern.RawText!, e => e);

        Assert.That(endpoints.Keys, Is.EquivalentTo(new[]
        {
            Package + "Haberdasher_v1/MakeHat_v1", Package + "Haberdasher_v1/MakeHatV1",
            Package + "HaberdasherV1/MakeHat_v1", Package + "HaberdasherV1/MakeHatV1",
        }));
        Assert.That(endpoints.Values.Select(e => e.Metadata.Contains(marker)), Is.All.True);
        Assert.That(endpoints[Package + "Haberdasher_v1/MakeHat_v1"].Order, Is.EqualTo(0));
        Assert.That(endpoints[Package + "HaberdasherV1/MakeHatV1"].Order, Is.GreaterThan(0));
    }

    private sealed class Haberdasher : Haberdasher_v1Base
    {
        public override Task<Hat_v1> MakeHat_v1(Hat_v1 request, TwirpContext context) => Served("MakeHat_v1");

        public override Task<Hat_v1> get_hat(Hat_v1 request, TwirpContext context) => Served("get_hat");

        public override Task<Hat_v1> gethat(Hat_v1 request, TwirpContext context) => Served("gethat");

        public override Task<Hat_v1> makeBowler(Hat_v1 request, TwirpContext context) => Served("makeBowler");
    }

    private sealed class SnakeHatRack : hat_rackBase
    {
        public override Task<Hat_v1> Hang(Hat_v1 request, TwirpContext context) => Served("hat_rack.Hang");
    }

    private sealed class LiteralHatRack : HatRackBase
    {
        public override Task<Hat_v1> Hang(Hat_v1 request, TwirpContext context) => Served("HatRack.Hang");
    }

    private static Task<Hat_v1> Served(string by) => Task.FromResult(new Hat_v1 { ServedBy = by });
}
