using System.Collections.Concurrent;
using System.Net.Http;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.Runtime.Tests.ConnectProbe;

namespace Twirp.Runtime.Tests.Connect;

/// <summary>Hooks, interceptors, error mapping and errors written from outside a call behave the same under both protocols.</summary>
public class ConnectHooksTests
{
    [Test]
    public async Task Hooks_and_interceptors_see_the_protocol_of_each_call()
    {
        var seen = new ConcurrentQueue<string>();
        var interceptor = new ProtocolRecorderSharing(seen);
        await using var server = await ConnectServer.StartAsync(o =>
        {
            o.Hooks.Add(new TwirpHooks
            {
                RequestReceived = c => { seen.Enqueue("received:" + c.Protocol); return default; },
                RequestRouted = c => { seen.Enqueue("routed:" + c.Protocol + ":" + c.Encoding); return default; },
                Error = (c, e) => { seen.Enqueue("error:" + c.Protocol + ":" + e.Code.ToWireName()); return default; },
                ResponseSent = c => { seen.Enqueue("sent:" + c.Protocol); return default; },
            });
            o.Interceptors.Add(interceptor);
        });

        await server.SendAsync(ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest(), json: true));
        var connect = seen.ToArray();
        seen.Clear();
        var twirp = new HttpRequestMessage(HttpMethod.Post, ConnectServer.UpdatePath) { Content = new StringContent("{\"command\":\"error:not_found\"}", null, "application/json") };
        await server.SendAsync(twirp);
        var twirpSeen = seen.ToArray();

        Assert.That(connect, Is.EqualTo(new[] { "received:Connect", "routed:Connect:Json", "exchange:Connect", "call:Connect", "sent:Connect" }));
        Assert.That(twirpSeen, Is.EqualTo(new[] { "received:Twirp", "routed:Twirp:Json", "exchange:Twirp", "call:Twirp", "error:Twirp:not_found", "sent:Twirp" }));
    }

    [Test]
    public async Task Connect_bad_routes_run_the_services_hooks_as_Twirp_ones_do()
    {
        var seen = new ConcurrentQueue<string>();
        await using var server = await ConnectServer.StartAsync(o => o.Hooks.Add(new TwirpHooks
        {
            RequestReceived = c => { seen.Enqueue("received:" + c.Protocol); return default; },
            Error = (c, e) => { seen.Enqueue("error:" + c.Protocol + ":" + e.Code.ToWireName()); return default; },
            ResponseSent = c => { seen.Enqueue("sent:" + c.Protocol); return default; },
        }));

        var response = await server.SendAsync(ConnectServer.Post("/twirp/twirp.runtime.tests.connect.Probe/Nope", new ProbeRequest()));
        var wrongMethod = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest());
        wrongMethod.Method = HttpMethod.Put;
        await server.SendAsync(wrongMethod);

        Assert.That((int)response.StatusCode, Is.EqualTo(404));
        Assert.That(seen, Is.EqualTo(new[] { "received:Connect", "error:Connect:bad_route", "sent:Connect", "received:Connect", "error:Connect:bad_route", "sent:Connect" }));
    }

    [Test]
    public async Task Handler_exceptions_map_to_internal_under_both_protocols()
    {
        await using var server = await ConnectServer.StartAsync();
        var connect = new HttpRequestMessage(HttpMethod.Post, "/twirp/twirp.runtime.tests.Echo/Say") { Content = new StringContent("{\"text\":\"boom\"}", null, "application/json") };
        connect.Headers.Add("Connect-Protocol-Version", "1");
        var twirp = new HttpRequestMessage(HttpMethod.Post, "/twirp/twirp.runtime.tests.Echo/Say") { Content = new StringContent("{\"text\":\"boom\"}", null, "application/json") };

        var connectError = await ConnectErrorBody.ReadAsync(await server.SendAsync(connect));
        var twirpError = await TwirpErrorBody.ReadAsync(await server.SendAsync(twirp));

        Assert.That((connectError.Status, connectError.Code, connectError.Message), Is.EqualTo((500, "internal", "Internal error")));
        Assert.That((twirpError.Status, twirpError.Code, twirpError.Msg), Is.EqualTo((500, "internal", "Internal error")));
    }

    [Test]
    public async Task Authorization_refusals_take_the_form_of_the_requests_protocol()
    {
        await using var server = await ConnectServer.StartAsync(
            configureApp: app => { app.UseAuthentication(); app.UseAuthorization(); },
            configureServices: services =>
            {
                services.AddAuthentication("Header").AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, HeaderAuthHandler>("Header", null);
                services.AddAuthorization();
            });
        var connect = new HttpRequestMessage(HttpMethod.Post, "/twirp/twirp.runtime.tests.Echo/Whisper") { Content = new StringContent("{}", null, "application/json") };
        connect.Headers.Add("Connect-Protocol-Version", "1");
        var twirp = new HttpRequestMessage(HttpMethod.Post, "/twirp/twirp.runtime.tests.Echo/Whisper") { Content = new StringContent("{}", null, "application/json") };

        var connectError = await ConnectErrorBody.ReadAsync(await server.SendAsync(connect));
        var twirpError = await TwirpErrorBody.ReadAsync(await server.SendAsync(twirp));

        Assert.That((connectError.Status, connectError.Code), Is.EqualTo((401, "unauthenticated")));
        Assert.That((twirpError.Status, twirpError.Code), Is.EqualTo((401, "unauthenticated")));
    }

    [Test]
    public async Task Errors_written_by_middleware_take_the_form_of_the_requests_protocol()
    {
        await using var server = await ConnectServer.StartAsync(configureApp: app => app.Use(async (http, next) =>
        {
            if (http.Request.Headers.ContainsKey("X-Reject"))
            {
                await http.WriteTwirpErrorAsync(TwirpException.ResourceExhausted("slow down"));
                return;
            }
            await next(http);
        }));
        var connect = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest(), headers: new System.Collections.Generic.Dictionary<string, string> { ["X-Reject"] = "1" });
        var twirp = new HttpRequestMessage(HttpMethod.Post, ConnectServer.UpdatePath) { Content = new ByteArrayContent(new ProbeRequest().ToByteArray()) };
        twirp.Content.Headers.ContentType = new("application/protobuf");
        twirp.Headers.Add("X-Reject", "1");

        var connectError = await ConnectErrorBody.ReadAsync(await server.SendAsync(connect));
        var twirpError = await TwirpErrorBody.ReadAsync(await server.SendAsync(twirp));

        Assert.That((connectError.Status, connectError.Code, connectError.Message), Is.EqualTo((429, "resource_exhausted", "slow down")));
        Assert.That((twirpError.Status, twirpError.Code, twirpError.Msg), Is.EqualTo((429, "resource_exhausted", "slow down")));
    }

    private sealed class ProtocolRecorderSharing(ConcurrentQueue<string> seen) : TwirpInterceptor
    {
        public override Task InterceptExchangeAsync(TwirpContext context, TwirpExchangeContinuation continuation)
        {
            seen.Enqueue("exchange:" + context.Protocol);
            return continuation(context);
        }

        public override Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpContext context, TwirpCallContinuation<TRequest, TResponse> continuation)
        {
            seen.Enqueue("call:" + context.Protocol);
            return continuation(request, context);
        }
    }
}
