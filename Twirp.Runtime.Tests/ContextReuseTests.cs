using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.Runtime.Tests.Echo;

namespace Twirp.Runtime.Tests;

/// <summary>Over Kestrel a connection's Twirp calls reuse one context (docs/server.md#context-lifetime).</summary>
public class ContextReuseTests
{
    /// <summary>What one call's context held when the handler got it, then what the handler left in it.</summary>
    public sealed record Seen(
        TwirpContext Context, int Items, bool HasError, int Trailers, bool LeftHeader, string? CallHeader, DateTimeOffset? Deadline,
        TwirpEncoding Encoding, TwirpProtocol Protocol, bool Canceled, string? TransportCallHeader, Guid ScopedId);

    public sealed class Recorder
    {
        public List<Seen> Calls { get; } = [];
    }

    /// <summary>Records what its context holds, then leaves everything it can in it; <c>fail</c> fails the call.</summary>
    public sealed class LitteringEcho(Recorder recorder, ScopedDependency scoped) : EchoBase
    {
        public override Task<EchoResponse> Say(EchoRequest request, TwirpContext context)
        {
            recorder.Calls.Add(new Seen(
                context,
                context.Items.Count,
                context.Error is not null,
                context.ResponseTrailers.Count,
                context.ResponseHeaders.ContainsKey("X-Left-Behind"),
                context.RequestHeaders["X-Call"].ToString(),
                context.Deadline,
                context.Encoding,
                context.Protocol,
                context.CancellationToken.IsCancellationRequested,
                context.GetHttpContext()?.Request.Headers["X-Call"].ToString(),
                context.RequestServices.GetRequiredService<ScopedDependency>().Id));
            context.Items["left"] = "behind";
            context.ResponseTrailers["X-Trailer"] = "left";
            context.ResponseHeaders["X-Left-Behind"] = "yes";
            context.SetFeature("a feature left behind");
            if (request.Text == "fail")
            {
                throw TwirpException.NotFound("failed on purpose");
            }
            return Task.FromResult(new EchoResponse { Text = scoped.Id.ToString() });
        }

        public override Task<EchoResponse> Whisper(EchoRequest request, TwirpContext context) => throw new NotSupportedException();
    }

    [Test]
    public async Task Next_call_on_a_connection_reuses_the_context_with_nothing_left_from_the_previous_call()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddTwirp();
        builder.Services.AddSingleton<Recorder>().AddScoped<ScopedDependency>();
        await using var app = builder.Build();
        app.MapTwirp<LitteringEcho>();
        await app.StartAsync();
        var recorder = app.Services.GetRequiredService<Recorder>();
        // One HttpClient, calls one after another: HTTP/1.1 keeps them on one connection.
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        async Task<HttpResponseMessage> CallAsync(string call, string text, string contentType)
        {
            var body = contentType == "application/json"
                ? new StringContent($"{{\"text\":\"{text}\"}}", null, contentType)
                : new ByteArrayContent(Google.Protobuf.MessageExtensions.ToByteArray(new EchoRequest { Text = text }));
            body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            var message = new HttpRequestMessage(HttpMethod.Post, EchoPaths.Say) { Content = body };
            message.Headers.Add("X-Call", call);
            return await client.SendAsync(message);
        }

        var failed = await CallAsync("1", "fail", "application/json");
        var first = recorder.Calls[0];
        var secondResponse = await CallAsync("2", "ok", "application/protobuf");
        var thirdResponse = await CallAsync("3", "ok", "application/json");

        Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(secondResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(secondResponse.Headers.Contains("X-Left-Behind"), Is.True, "the handler's header is sent with its own answer");
        Assert.That(thirdResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(recorder.Calls, Has.Count.EqualTo(3));
        Assert.That(recorder.Calls[1].Context, Is.SameAs(first.Context), "the connection's second call reuses the context");
        Assert.That(recorder.Calls[2].Context, Is.SameAs(first.Context), "and so does the third");
        var expected = new[]
        {
            ("1", TwirpEncoding.Json),
            ("2", TwirpEncoding.Protobuf),
            ("3", TwirpEncoding.Json),
        };
        for (var i = 0; i < recorder.Calls.Count; i++)
        {
            var seen = recorder.Calls[i];
            Assert.That(seen.Items, Is.Zero, $"call {i + 1}: items");
            Assert.That(seen.HasError, Is.False, $"call {i + 1}: error");
            Assert.That(seen.Trailers, Is.Zero, $"call {i + 1}: response trailers");
            Assert.That(seen.LeftHeader, Is.False, $"call {i + 1}: response headers");
            Assert.That(seen.Deadline, Is.Null, $"call {i + 1}: deadline");
            Assert.That(seen.Protocol, Is.EqualTo(TwirpProtocol.Twirp), $"call {i + 1}: protocol");
            Assert.That(seen.Canceled, Is.False, $"call {i + 1}: token");
            Assert.That((seen.CallHeader, seen.Encoding), Is.EqualTo(expected[i]), $"call {i + 1}: request headers and encoding");
            Assert.That(seen.TransportCallHeader, Is.EqualTo(expected[i].Item1), $"call {i + 1}: the HttpContext feature is this request's");
        }
        Assert.That(recorder.Calls.Select(seen => seen.ScopedId).Distinct().Count(), Is.EqualTo(3), "each call gets its own request services");
        Assert.That(first.Context.GetFeature<string>(), Is.Null, "a feature set by a call is gone after it");
        Assert.That(first.Context.Items, Is.Empty, "a finished call's items are dropped, not kept until the next call");
    }
}
