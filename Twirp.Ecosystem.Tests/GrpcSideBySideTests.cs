using System;
using System.Collections.Concurrent;
using System.Net.Http;
using System.Threading.Tasks;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.Example.Haberdasher;

namespace Twirp.Ecosystem.Tests;

/// <summary>
/// One .proto with <c>GrpcServices="Both"</c>, one app: Grpc.AspNetCore's <c>MapGrpcService</c> and
/// <c>MapTwirp</c> serve the same implementation, called by Grpc.Net.Client over HTTP/2 and by the
/// generated Twirp client over HTTP/1.1.
/// </summary>
public class GrpcSideBySideTests
{
    private static Task<LoopbackApp> StartAsync(ProtocolProbe probe) =>
        LoopbackApp.StartAsync(
            services =>
            {
                services.AddGrpc();
                services.AddTwirp();
                services.AddSingleton(probe);
                services.AddScoped<HatShop>();
            },
            app =>
            {
                // What arrived on the wire, whichever protocol it is.
                app.Use((context, next) =>
                {
                    probe.Requests.Add($"{context.Request.Protocol} {context.Request.ContentType} {context.Request.Path}");
                    return next(context);
                });
                app.MapGrpcService<HatShopGrpc>();
                app.MapTwirp<HatShop>();
            });

    [Test]
    public async Task One_implementation_answers_grpc_over_http2_and_twirp_over_http11_in_one_app()
    {
        var probe = new ProtocolProbe();
        await using var app = await StartAsync(probe);
        using var channel = GrpcChannel.ForAddress(app.Http2Address);
        var grpcClient = new Haberdasher.HaberdasherClient(channel);
        using var http = new HttpClient { BaseAddress = app.Address };
        var twirpClient = new HaberdasherClient(http);

        var viaGrpc = await grpcClient.MakeHatAsync(new Size { Inches = 7 });
        var viaTwirp = await twirpClient.MakeHatAsync(new Size { Inches = 9 });

        Assert.That((viaGrpc.Inches, viaGrpc.Name), Is.EqualTo((7, "bowler")));
        Assert.That((viaTwirp.Inches, viaTwirp.Name), Is.EqualTo((9, "bowler")));
        Assert.That(probe.Requests, Is.EquivalentTo(new[]
        {
            "HTTP/2 application/grpc /twirp.example.haberdasher.Haberdasher/MakeHat",
            "HTTP/1.1 application/protobuf /twirp/twirp.example.haberdasher.Haberdasher/MakeHat",
        }));
        Assert.That(probe.Sizes, Is.EquivalentTo(new[] { 7, 9 }), "one implementation served both");
    }

    [Test]
    public async Task A_twirp_error_from_the_implementation_reaches_each_client_in_its_own_protocol()
    {
        await using var app = await StartAsync(new ProtocolProbe());
        using var channel = GrpcChannel.ForAddress(app.Http2Address);
        using var http = new HttpClient { BaseAddress = app.Address };

        var grpcError = Assert.ThrowsAsync<RpcException>(async () => await new Haberdasher.HaberdasherClient(channel).MakeHatAsync(new Size { Inches = 0 }));
        var twirpError = Assert.ThrowsAsync<TwirpException>(() => new HaberdasherClient(http).MakeHatAsync(new Size { Inches = 0 }));

        Assert.That((grpcError!.StatusCode, grpcError.Status.Detail), Is.EqualTo((StatusCode.InvalidArgument, "inches must be positive")));
        Assert.That(grpcError.Trailers.GetValue("argument"), Is.EqualTo("inches"));
        Assert.That((twirpError!.Code, twirpError.Message, twirpError.Meta["argument"]), Is.EqualTo((TwirpErrorCode.InvalidArgument, "inches must be positive", "inches")));
    }

    [Test]
    public async Task The_grpc_deadline_and_cancellation_reach_the_twirp_context()
    {
        var probe = new ProtocolProbe();
        await using var app = await StartAsync(probe);
        using var channel = GrpcChannel.ForAddress(app.Http2Address);
        var deadline = DateTime.UtcNow.AddMinutes(5);

        await new Haberdasher.HaberdasherClient(channel).MakeHatAsync(new Size { Inches = 3 }, deadline: deadline);

        Assert.That(probe.Deadlines, Has.Count.EqualTo(1));
        Assert.That(probe.Deadlines.TryPeek(out var seen), Is.True);
        Assert.That(seen!.Value.UtcDateTime, Is.EqualTo(deadline).Within(TimeSpan.FromSeconds(1)));
    }

    public sealed class ProtocolProbe
    {
        public ConcurrentBag<string> Requests { get; } = new();

        public ConcurrentBag<int> Sizes { get; } = new();

        public ConcurrentBag<DateTimeOffset?> Deadlines { get; } = new();
    }

    /// <summary>The one implementation: a Twirp service class, with no gRPC type in it.</summary>
    public sealed class HatShop(ProtocolProbe probe) : HaberdasherBase
    {
        public override Task<Hat> MakeHat(Size request, TwirpContext context)
        {
            if (request.Inches <= 0)
            {
                throw TwirpException.InvalidArgument("inches", "must be positive");
            }
            probe.Sizes.Add(request.Inches);
            probe.Deadlines.Add(context.Deadline);
            return Task.FromResult(new Hat { Inches = request.Inches, Color = "black", Name = "bowler" });
        }
    }

    /// <summary>
    /// gRPC's side: Grpc.Tools' base class, forwarding each method to the Twirp implementation. C# has one
    /// base class per class, so the implementation cannot derive from both generated bases.
    /// </summary>
    public sealed class HatShopGrpc(HatShop shop) : Haberdasher.HaberdasherBase
    {
        public override Task<Hat> MakeHat(Size request, ServerCallContext context) =>
            GrpcForwarding.CallAsync(HaberdasherTwirp.MakeHat, shop.MakeHat, request, context);
    }
}
