using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using Twirp.Runtime.Tests.Bare;
using Twirp.Runtime.Tests.Echo;

namespace Twirp.Runtime.Tests;

/// <summary>Authenticates whoever sends <c>X-User</c>.</summary>
public sealed class HeaderAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        Task.FromResult(Request.Headers.TryGetValue("X-User", out var user)
            ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString())], "Header")), "Header"))
            : AuthenticateResult.NoResult());
}

[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class MarkerAttribute(string where) : Attribute
{
    public string Where { get; } = where;
}

[Marker("class")]
public sealed class AnnotatedEchoService(CallProbe probe, ScopedDependency scoped) : EchoBase
{
    private readonly EchoService _inner = new(probe, scoped);

    public override Task<EchoResponse> Say(EchoRequest request, TwirpContext context) => _inner.Say(request, context);

    [AllowAnonymous]
    [Marker("method")]
    public override Task<EchoResponse> Whisper(EchoRequest request, TwirpContext context) => _inner.Whisper(request, context);
}

public class HostingTests
{
    private static void AddEcho(IServiceCollection services) => services.AddSingleton<CallProbe>().AddScoped<ScopedDependency>();

    private static Task<TwirpTestApp> StartWithAuthAsync(Action<WebApplication> map) =>
        TwirpTestApp.StartAsync(
            app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
                map(app);
            },
            services =>
            {
                AddEcho(services);
                services.AddAuthentication("Header").AddScheme<AuthenticationSchemeOptions, HeaderAuthHandler>("Header", null);
                services.AddAuthorization();
            });

    [Test]
    public void MapTwirp_without_AddTwirp_throws_a_message_that_says_what_to_call()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var app = builder.Build();

        var exception = Assert.Throws<InvalidOperationException>(() => app.MapTwirp<EchoService>());

        Assert.That(exception!.Message, Does.Contain("services.AddTwirp()"));
    }

    [Test]
    public async Task Authorize_on_one_method_protects_that_method_only()
    {
        await using var app = await StartWithAuthAsync(a => a.MapTwirp<EchoService>());

        var anonymousWhisper = await app.PostJsonAsync(EchoPaths.Whisper, "{\"text\":\"A\"}");
        var anonymousSay = await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"A\"}");
        var request = new HttpRequestMessage(HttpMethod.Post, EchoPaths.Whisper) { Content = new StringContent("{\"text\":\"A\"}", null, "application/json") };
        request.Headers.Add("X-User", "ann");
        var authenticatedWhisper = await app.Client.SendAsync(request);

        var unauthenticated = await TwirpErrorBody.ReadAsync(anonymousWhisper);
        Assert.That((unauthenticated.Status, unauthenticated.Code), Is.EqualTo((401, "unauthenticated")));
        Assert.That(anonymousSay.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(authenticatedWhisper.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await authenticatedWhisper.Content.ReadAsStringAsync(), Is.EqualTo("{\"text\":\"a\",\"repeat_count\":0}"));
    }

    [Test]
    public async Task RequireAuthorization_fans_out_to_every_method_and_AllowAnonymous_on_a_method_wins()
    {
        await using var app = await StartWithAuthAsync(a => a.MapTwirp<AnnotatedEchoService>().RequireAuthorization());

        var say = await app.PostJsonAsync(EchoPaths.Say, "{}");
        var whisper = await app.PostJsonAsync(EchoPaths.Whisper, "{}");

        Assert.That(say.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(whisper.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task RequireCors_answers_the_preflight_and_adds_cors_headers_to_calls()
    {
        await using var app = await TwirpTestApp.StartAsync(
            a =>
            {
                a.UseRouting();
                a.UseCors();
                a.MapTwirp<EchoService>().RequireCors(p => p.WithOrigins("https://app.example").AllowAnyHeader().WithMethods("POST"));
            },
            s => { AddEcho(s); s.AddCors(); });
        var preflight = new HttpRequestMessage(HttpMethod.Options, EchoPaths.Say);
        preflight.Headers.Add("Origin", "https://app.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        var call = new HttpRequestMessage(HttpMethod.Post, EchoPaths.Say) { Content = new StringContent("{}", null, "application/json") };
        call.Headers.Add("Origin", "https://app.example");

        var preflightResponse = await app.Client.SendAsync(preflight);
        var callResponse = await app.Client.SendAsync(call);

        Assert.That(preflightResponse.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(preflightResponse.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { "https://app.example" }));
        Assert.That(callResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(callResponse.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { "https://app.example" }));
    }

    [Test]
    public async Task RequireRateLimiting_applies_to_the_methods_and_can_answer_with_a_twirp_error()
    {
        await using var app = await TwirpTestApp.StartAsync(
            a =>
            {
                a.UseRouting();
                a.UseRateLimiter();
                a.MapTwirp<EchoService>().RequireRateLimiting("one");
            },
            s =>
            {
                AddEcho(s);
                s.AddRateLimiter(o =>
                {
                    o.AddFixedWindowLimiter("one", w => { w.PermitLimit = 1; w.Window = TimeSpan.FromHours(1); w.QueueLimit = 0; });
                    o.OnRejected = (rejected, token) => new ValueTask(rejected.HttpContext.WriteTwirpErrorAsync(
                        TwirpException.ResourceExhausted("slow down"), token));
                });
            });

        var first = await app.PostJsonAsync(EchoPaths.Say, "{}");
        var second = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync(EchoPaths.Say, "{}"));

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((second.Status, second.Code, second.Msg), Is.EqualTo((429, "resource_exhausted", "slow down")));
    }

    [Test]
    public async Task Forbidden_call_is_answered_with_a_twirp_permission_denied()
    {
        await using var app = await StartWithAuthAsync(a => a.MapTwirp<EchoService>().RequireAuthorization(p => p.RequireRole("admin")));
        var request = new HttpRequestMessage(HttpMethod.Post, EchoPaths.Say) { Content = new StringContent("{}", null, "application/json") };
        request.Headers.Add("X-User", "ann");

        var error = await TwirpErrorBody.ReadAsync(await app.Client.SendAsync(request));

        Assert.That((error.Status, error.Code), Is.EqualTo((403, "permission_denied")));
    }

    [Test]
    public async Task Endpoints_carry_the_method_descriptor_and_the_service_then_method_attributes()
    {
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<AnnotatedEchoService>(), AddEcho);
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints;

        var whisper = endpoints.Single(e => e.Metadata.GetMetadata<TwirpMethod>()?.Name == "Whisper");

        Assert.That(whisper.Metadata.GetMetadata<TwirpMethod>(), Is.SameAs(EchoTwirp.Whisper));
        Assert.That(whisper.Metadata.GetOrderedMetadata<MarkerAttribute>().Select(m => m.Where), Is.EqualTo(new[] { "class", "method" }));
        Assert.That(whisper.Metadata.GetMetadata<IAllowAnonymous>(), Is.Not.Null, "method attribute");
        Assert.That(whisper.DisplayName, Is.EqualTo("Twirp twirp.runtime.tests.Echo/Whisper"));
    }

    [Test]
    public async Task Service_is_activated_per_call_inside_the_request_scope()
    {
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<EchoService>(), AddEcho);

        var first = await (await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"scope\"}")).Content.ReadAsStringAsync();
        var second = await (await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"scope\"}")).Content.ReadAsStringAsync();

        Assert.That(first, Does.StartWith("{\"text\":\""));
        Assert.That(first, Is.Not.EqualTo(second), "a scoped dependency is new for every call");
    }

    [Test]
    public async Task Service_registered_in_di_is_resolved_from_the_container()
    {
        var instance = new EchoService(new CallProbe(), new ScopedDependency());
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<EchoService>(), s => { AddEcho(s); s.AddSingleton(instance); });

        var id = await (await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"scope\"}")).Content.ReadAsStringAsync();
        var again = await (await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"scope\"}")).Content.ReadAsStringAsync();

        Assert.That(id, Is.EqualTo(again), "the singleton's own dependency every time");
    }

    [Test]
    public async Task Service_created_without_di_still_reaches_the_call_scope_through_its_context()
    {
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<ScopeReadingPingerService>(), s => s.AddScoped<ScopedDependency>());

        var first = await (await app.PostJsonAsync("/twirp/Pinger/Ping", "{}")).Content.ReadAsStringAsync();
        var second = await (await app.PostJsonAsync("/twirp/Pinger/Ping", "{}")).Content.ReadAsStringAsync();

        Assert.That(first, Does.StartWith("{\"reply\":\"").And.Not.EqualTo(second), "the request's scope, one per call");
    }

    [Test]
    public async Task Service_registered_as_a_singleton_is_created_on_the_first_call_and_serves_every_call()
    {
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<CountingPingerService>(), s => s.AddSingleton<CallProbe>().AddSingleton<CountingPingerService>());
        var probe = app.Services.GetRequiredService<CallProbe>();
        var beforeAnyCall = probe.Events.ToArray();

        var first = await (await app.PostJsonAsync("/twirp/Pinger/Ping", "{}")).Content.ReadAsStringAsync();
        var second = await (await app.PostJsonAsync("/twirp/Pinger/Ping", "{}")).Content.ReadAsStringAsync();

        Assert.That(beforeAnyCall, Is.Empty, "mapping does not construct it; DI does when first asked");
        Assert.That((first, second), Is.EqualTo(("{\"reply\":\"call 1\"}", "{\"reply\":\"call 2\"}")));
        Assert.That(probe.Events, Is.EqualTo(new[] { "constructed" }), "one instance, never disposed by a call");
        Assert.That(app.Services.GetRequiredService<CountingPingerService>().Ping(new PingRequest(), new TwirpContext(PingerTwirp.Ping)).Result.Reply,
            Is.EqualTo("call 3"), "the instance DI holds");
    }

    [Test]
    public async Task Method_route_refused_for_its_host_leaves_the_call_to_the_bad_route_catch_all()
    {
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<EchoService>().RequireHost("api.example"), AddEcho);

        using var wrongHost = new HttpRequestMessage(HttpMethod.Post, EchoPaths.Say) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        wrongHost.Headers.Host = "other.example";
        var refused = await TwirpErrorBody.ReadAsync(await app.Client.SendAsync(wrongHost));
        using var rightHost = new HttpRequestMessage(HttpMethod.Post, EchoPaths.Say) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        rightHost.Headers.Host = "api.example";
        var served = await app.Client.SendAsync(rightHost);

        Assert.That((refused.Status, refused.Code), Is.EqualTo((404, "bad_route")));
        Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Per_service_and_empty_prefixes_route_where_configured()
    {
        await using var app = await TwirpTestApp.StartAsync(
            a =>
            {
                a.MapTwirp<EchoService>();
                a.MapTwirp<PingerService>();
            },
            s => { AddEcho(s); s.AddTwirp().AddServiceOptions<PingerService>(o => o.PathPrefix = ""); },
            o => o.PathPrefix = "/rpc/");

        var echo = await app.PostJsonAsync("/rpc/twirp.runtime.tests.Echo/Say", "{}");
        var ping = await app.PostJsonAsync("/Pinger/Ping", "{}");
        var oldPrefix = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync(EchoPaths.Say, "{}"));

        Assert.That(echo.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ping.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(oldPrefix.Msg, Is.EqualTo("invalid path prefix \"/twirp\", expected \"/rpc\", on path \"/twirp/twirp.runtime.tests.Echo/Say\""));
    }

    [Test]
    public async Task Spa_fallback_keeps_other_paths_but_does_not_swallow_twirp_bad_routes()
    {
        await using var app = await TwirpTestApp.StartAsync(
            a =>
            {
                a.MapTwirp<EchoService>();
                a.MapFallback(() => "spa");
            },
            AddEcho);

        var page = await app.Client.GetAsync("/some/page");
        var unknown = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync("/twirp/nope.Service/Method", "{}"));

        Assert.That(await page.Content.ReadAsStringAsync(), Is.EqualTo("spa"));
        Assert.That(unknown.Code, Is.EqualTo("bad_route"));
    }

    [Test]
    public async Task Services_mapped_in_two_groups_with_the_same_prefix_share_one_catch_all()
    {
        var probe = new CallProbe();
        await using var app = await TwirpTestApp.StartAsync(
            a =>
            {
                a.MapGroup("/x").MapTwirp<EchoService>();
                a.MapGroup("/x").MapTwirp<PingerService>();
                a.MapGroup("/y").MapTwirp<PingerService>();
            },
            s => s.AddSingleton(probe).AddScoped<ScopedDependency>()
                .AddTwirp()
                .AddServiceOptions<EchoService>(o => o.Hooks.Add(HookTests.Recording(probe, "echo")))
                .AddServiceOptions<PingerService>(o => o.Hooks.Add(HookTests.Recording(probe, "pinger"))));

        var unknown = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync("/x/twirp/nope.Service/Method", "{}"));
        var unknownEvents = probe.Events.ToArray();
        probe.Events.Clear();
        var echoBadRoute = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync("/x/twirp/twirp.runtime.tests.Echo/Shout", "{}"));
        var echoEvents = probe.Events.ToArray();
        probe.Events.Clear();
        var pingerBadRoute = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync("/x/twirp/Pinger/Pong", "{}"));
        var pingerEvents = probe.Events.ToArray();
        probe.Events.Clear();
        var echoUnderY = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync("/y/twirp/twirp.runtime.tests.Echo/Shout", "{}"));
        var echoUnderYEvents = probe.Events.ToArray();
        var say = await app.PostJsonAsync("/x/twirp/twirp.runtime.tests.Echo/Say", "{}");
        var ping = await app.PostJsonAsync("/x/twirp/Pinger/Ping", "{}");

        Assert.That((unknown.Status, unknown.Code, unknown.Msg), Is.EqualTo((404, "bad_route", "no handler for path \"/x/twirp/nope.Service/Method\"")),
            "one catch-all answers, not an ambiguous match between two");
        Assert.That(unknownEvents, Is.Empty);
        Assert.That((echoBadRoute.Code, pingerBadRoute.Code, echoUnderY.Code), Is.EqualTo(("bad_route", "bad_route", "bad_route")));
        Assert.That(echoEvents, Does.Contain("echo:received").And.Not.Contain("pinger:received"), "the first group's service keeps its hooks");
        Assert.That(pingerEvents, Does.Contain("pinger:received").And.Not.Contain("echo:received"), "the second group's service keeps its hooks");
        Assert.That(echoUnderYEvents, Is.Empty, "Echo is not mapped under /y");
        Assert.That((say.StatusCode, ping.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
    }

    [Test]
    public async Task Per_service_null_body_limit_removes_the_global_limit_for_that_service_only()
    {
        var big = "{\"text\":\"" + new string('x', 1000) + "\"}";
        await using var app = await TwirpTestApp.StartAsync(
            a =>
            {
                a.MapTwirp<EchoService>();
                a.MapTwirp<PingerService>();
            },
            s => { AddEcho(s); s.AddTwirp().AddServiceOptions<EchoService>(o => o.MaxRequestBodySize = null); },
            o => o.MaxRequestBodySize = 100);

        var echo = await app.PostJsonAsync(EchoPaths.Say, big);
        var ping = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync("/twirp/Pinger/Ping", "{\"from\":\"" + new string('x', 1000) + "\"}"));

        Assert.That(echo.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((ping.Code, ping.Msg), Is.EqualTo(("resource_exhausted", "request body too large: the limit is 100 bytes")), "unset inherits the global limit");
    }

    [Test]
    public async Task Clearing_MaxRequestBodySizeSpecified_inherits_the_global_limit_again()
    {
        await using var app = await TwirpTestApp.StartAsync(
            a => a.MapTwirp<EchoService>(),
            s =>
            {
                AddEcho(s);
                s.AddTwirp()
                    .AddServiceOptions<EchoService>(o => o.MaxRequestBodySize = null)
                    .AddServiceOptions<EchoService>(o => o.MaxRequestBodySizeSpecified = false);
            },
            o => o.MaxRequestBodySize = 100);

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"" + new string('x', 1000) + "\"}"));

        Assert.That(error.Msg, Is.EqualTo("request body too large: the limit is 100 bytes"));
    }

    [Test]
    public void Per_service_body_limit_is_unspecified_until_set_even_to_null()
    {
        var options = new TwirpServiceOptions<EchoService>();
        var unset = (options.MaxRequestBodySize, options.MaxRequestBodySizeSpecified);

        options.MaxRequestBodySize = null;

        Assert.That(unset, Is.EqualTo(((long?)null, false)));
        Assert.That((options.MaxRequestBodySize, options.MaxRequestBodySizeSpecified), Is.EqualTo(((long?)null, true)));
    }

    [Test]
    public async Task Body_over_the_limit_with_content_length_is_resource_exhausted_without_reading_it()
    {
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<EchoService>(), AddEcho, o => o.MaxRequestBodySize = 100);

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"" + new string('x', 200) + "\"}"));

        Assert.That((error.Status, error.Code), Is.EqualTo((429, "resource_exhausted")));
        Assert.That(error.Msg, Is.EqualTo("request body too large: the limit is 100 bytes"));
    }

    [Test]
    public async Task Streamed_body_over_the_limit_is_refused_while_reading_not_after_buffering_it_all()
    {
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<EchoService>(), AddEcho, o => o.MaxRequestBodySize = 1000);
        var endless = new EndlessStream();
        var content = new StreamContent(endless);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/protobuf");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var response = await app.Client.PostAsync(EchoPaths.Say, content, timeout.Token);

        var error = await TwirpErrorBody.ReadAsync(response);
        Assert.That(error.Code, Is.EqualTo("resource_exhausted"));
        Assert.That(endless.BytesRead, Is.LessThan(1024 * 1024), "the server stopped reading near the limit");
    }

    [Test]
    public async Task Body_within_the_limit_is_served()
    {
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<EchoService>(), AddEcho, o => o.MaxRequestBodySize = 100);

        var response = await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"short\"}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Client_abort_cancels_the_handlers_token()
    {
        await using var app = await TwirpTestApp.StartAsync(a => a.MapTwirp<EchoService>(), AddEcho);
        var probe = app.Services.GetRequiredService<CallProbe>();
        using var abort = new CancellationTokenSource();

        var call = app.Client.PostAsync(EchoPaths.Say, new StringContent("{\"text\":\"wait\"}", null, "application/json"), abort.Token);
        await probe.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        abort.Cancel();

        Assert.That(await probe.Canceled.Task.WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(probe.LastContext!.CancellationToken.IsCancellationRequested, Is.True);
        Assert.CatchAsync<OperationCanceledException>(async () => await call);
    }

    [Test]
    public async Task WithRequestTimeout_answers_a_twirp_deadline_exceeded_not_an_html_504()
    {
        await using var app = await TwirpTestApp.StartAsync(
            a =>
            {
                a.UseRouting();
                a.UseRequestTimeouts();
                a.MapTwirp<EchoService>().WithRequestTimeout(TimeSpan.FromMilliseconds(200));
            },
            s => { AddEcho(s); s.AddRequestTimeouts(); });

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"wait\"}"));

        Assert.That((error.Status, error.Code, error.Msg), Is.EqualTo((408, "deadline_exceeded", "the request timed out")));
    }

    [Test]
    public async Task In_flight_call_completes_when_the_host_stops()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddTwirp();
        AddEcho(builder.Services);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        await using var app = builder.Build();
        app.MapTwirp<EchoService>();
        await app.StartAsync();
        var probe = app.Services.GetRequiredService<CallProbe>();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

        var call = client.PostAsync(EchoPaths.Say, new StringContent("{\"text\":\"wait\"}", null, "application/json"));
        await probe.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var stopping = app.StopAsync();
        await Task.Delay(200);
        Assert.That(stopping.IsCompleted, Is.False, "the host waits for the call");
        probe.Release.SetResult();

        var response = await call.WaitAsync(TimeSpan.FromSeconds(10));
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{\"text\":\"released\",\"repeat_count\":0}"));
    }

    private sealed class EndlessStream : Stream
    {
        private long _read;

        public long BytesRead => Interlocked.Read(ref _read);

        public override int Read(byte[] buffer, int offset, int count)
        {
            Array.Fill(buffer, (byte)0x08, offset, count); // field 1 varint 8, repeated: a valid message forever
            Interlocked.Add(ref _read, count);
            return count;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
