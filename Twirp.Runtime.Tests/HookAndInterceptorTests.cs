using System;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.Runtime.Tests.Echo;

namespace Twirp.Runtime.Tests;

public class HookTests
{
    internal static TwirpHooks Recording(CallProbe probe, string scope) => new()
    {
        RequestReceived = c => { probe.Events.Add(scope + ":received"); return default; },
        RequestRouted = c => { probe.Events.Add(scope + ":routed:" + c.Encoding); return default; },
        ResponsePrepared = c => { probe.Events.Add(scope + ":prepared:" + c.GetHttpContext()!.Response.StatusCode); return default; },
        Error = (c, e) => { probe.Events.Add(scope + ":error:" + e.Code.ToWireName() + ":" + e.Code.ToHttpStatus()); return default; },
        ResponseSent = c => { probe.Events.Add(scope + ":sent:" + c.GetHttpContext()!.Response.StatusCode); return default; },
    };

    private static async Task<(TwirpTestApp App, CallProbe Probe)> StartAsync(Action<CallProbe, TwirpOptions>? configure = null)
    {
        var probe = new CallProbe();
        var app = await TwirpTestApp.StartAsync(
            a => a.MapTwirp<EchoService>(),
            s => s.AddSingleton(probe).AddScoped<ScopedDependency>()
                .AddTwirp().AddServiceOptions<EchoService>(o => o.Hooks.Add(Recording(probe, "service"))),
            o =>
            {
                o.Hooks.Add(Recording(probe, "global"));
                configure?.Invoke(probe, o);
            });
        return (app, probe);
    }

    [Test]
    public async Task Successful_call_runs_every_hook_in_order_global_before_service()
    {
        var (app, probe) = await StartAsync();
        await using var _ = app;

        await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"hi\"}");

        Assert.That(probe.Events, Is.EqualTo(new[]
        {
            "global:received", "service:received",
            "global:routed:Json", "service:routed:Json",
            "handler",
            "global:prepared:200", "service:prepared:200",
            "global:sent:200", "service:sent:200",
        }));
    }

    [Test]
    public async Task Handler_error_runs_error_hooks_then_response_sent_and_never_prepared()
    {
        var (app, probe) = await StartAsync();
        await using var _ = app;

        await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"error:not_found\"}");

        Assert.That(probe.Events, Is.EqualTo(new[]
        {
            "global:received", "service:received", "global:routed:Json", "service:routed:Json", "handler",
            "global:error:not_found:404", "service:error:not_found:404",
            "global:sent:404", "service:sent:404",
        }));
    }

    [Test]
    public async Task Bad_content_type_runs_received_and_error_but_not_routed()
    {
        var (app, probe) = await StartAsync();
        await using var _ = app;
        var content = new StringContent("{}");
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");

        await app.Client.PostAsync(EchoPaths.Say, content);

        Assert.That(probe.Events, Is.EqualTo(new[]
        {
            "global:received", "service:received",
            "global:error:bad_route:404", "service:error:bad_route:404",
            "global:sent:404", "service:sent:404",
        }));
    }

    [Test]
    public async Task Request_received_hook_rejects_the_call_with_its_twirp_error()
    {
        var (app, probe) = await StartAsync((p, o) => o.Hooks.Insert(0, new TwirpHooks
        {
            RequestReceived = c => c.RequestHeaders.ContainsKey("X-Key") ? default : throw TwirpException.Unauthenticated("no key"),
        }));
        await using var _ = app;

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync(EchoPaths.Say, "{}"));

        Assert.That((error.Status, error.Code, error.Msg), Is.EqualTo((401, "unauthenticated", "no key")));
        Assert.That(probe.Events, Is.EqualTo(new[]
        {
            "global:error:unauthenticated:401", "service:error:unauthenticated:401", "global:sent:401", "service:sent:401",
        }));
    }

    [Test]
    public async Task Request_routed_hook_rejects_the_call_before_the_handler_runs()
    {
        var (app, probe) = await StartAsync((p, o) => o.Hooks.Add(new TwirpHooks
        {
            RequestRouted = c => throw TwirpException.PermissionDenied("not " + c.MethodName),
        }));
        await using var _ = app;

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync(EchoPaths.Say, "{}"));

        Assert.That((error.Status, error.Code, error.Msg), Is.EqualTo((403, "permission_denied", "not Say")));
        Assert.That(probe.Events, Does.Not.Contain("handler"));
        Assert.That(probe.Events.Last(), Is.EqualTo("service:sent:403"));
    }

    [Test]
    public async Task Hooks_share_one_context_with_its_bag_names_and_http_context()
    {
        TimeSpan? elapsed = null;
        string? names = null;
        var (app, _) = await StartAsync((p, o) => o.Hooks.Add(new TwirpHooks
        {
            RequestReceived = c => { c.Items["start"] = DateTime.UtcNow; return default; },
            ResponsePrepared = c => { c.ResponseHeaders["X-Prepared"] = "1"; return default; },
            ResponseSent = c =>
            {
                elapsed = DateTime.UtcNow - (DateTime)c.Items["start"]!;
                names = $"{c.Package}|{c.ServiceName}|{c.MethodName}|{c.GetHttpContext()!.Request.Path}";
                return default;
            },
        }));
        await using var __ = app;

        var response = await app.PostJsonAsync(EchoPaths.Say, "{}");

        Assert.That(response.Headers.GetValues("X-Prepared"), Is.EqualTo(new[] { "1" }), "prepared hooks can still add headers");
        Assert.That(elapsed, Is.Not.Null);
        Assert.That(names, Is.EqualTo("twirp.runtime.tests|Echo|Say|" + EchoPaths.Say));
    }

    [Test]
    public async Task Failing_response_sent_hook_is_logged_and_does_not_stop_the_others()
    {
        var (app, probe) = await StartAsync((p, o) => o.Hooks.Insert(0, new TwirpHooks { ResponseSent = c => throw new InvalidOperationException("hook bug") }));
        await using var _ = app;

        var response = await app.PostJsonAsync(EchoPaths.Say, "{}");

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(probe.Events.Last(), Is.EqualTo("service:sent:200"));
    }
}

/// <summary>Records both scopes of interception into the probe.</summary>
public sealed class RecordingInterceptor(CallProbe probe) : TwirpInterceptor, IDisposable
{
    public static int Disposed;

    public override async Task InterceptExchangeAsync(TwirpContext context, TwirpExchangeContinuation continuation)
    {
        probe.Events.Add("exchange:before:" + (context.Error?.Code.ToWireName() ?? "unanswered"));
        await continuation(context);
        probe.Events.Add("exchange:after:" + context.GetHttpContext()!.Response.StatusCode + ":" + (context.Error?.Code.ToWireName() ?? "ok"));
    }

    public override async Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpContext context, TwirpCallContinuation<TRequest, TResponse> continuation)
    {
        probe.Events.Add("call:before:" + request);
        var response = await continuation(request, context);
        probe.Events.Add("call:after:" + response);
        return response;
    }

    public void Dispose() => System.Threading.Interlocked.Increment(ref Disposed);
}

/// <summary>Replaces requests and responses, or refuses shouting.</summary>
public sealed class RewritingInterceptor : TwirpInterceptor
{
    public override async Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpContext context, TwirpCallContinuation<TRequest, TResponse> continuation)
    {
        if (request is EchoRequest { Text: "SHOUT" })
        {
            throw new TwirpException(TwirpErrorCode.FailedPrecondition, "no shouting");
        }
        if (request is EchoRequest echo)
        {
            request = (TRequest)(object)new EchoRequest { Text = echo.Text + "+in", RepeatCount = echo.RepeatCount };
        }
        var response = await continuation(request, context);
        return response is EchoResponse reply ? (TResponse)(object)new EchoResponse { Text = reply.Text + "+out" } : response;
    }
}

public class InterceptorTests
{
    private static Task<TwirpTestApp> StartAsync(CallProbe probe, Action<IServiceCollection>? services = null) =>
        TwirpTestApp.StartAsync(
            a => a.MapTwirp<EchoService>(),
            s =>
            {
                s.AddSingleton(probe).AddScoped<ScopedDependency>();
                s.AddTwirp().AddServiceOptions<EchoService>(o => o.Interceptors.Add<RewritingInterceptor>());
                services?.Invoke(s);
            },
            o => o.Interceptors.Add<RecordingInterceptor>());

    [Test]
    public async Task Both_scopes_wrap_the_call_global_outside_service_and_see_the_finished_exchange()
    {
        var probe = new CallProbe();
        await using var app = await StartAsync(probe);

        var response = await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"hi\"}");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{\"text\":\"hi+in+out\",\"repeat_count\":0}"));
        Assert.That(probe.Events, Is.EqualTo(new[]
        {
            "exchange:before:unanswered",
            "call:before:{ \"text\": \"hi\" }",
            "handler",
            "call:after:{ \"text\": \"hi+in+out\" }",
            "exchange:after:200:ok",
        }));
    }

    [Test]
    public async Task Call_interceptor_throwing_a_twirp_exception_answers_with_it_and_the_handler_never_runs()
    {
        var probe = new CallProbe();
        await using var app = await StartAsync(probe);

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"SHOUT\"}"));

        Assert.That((error.Status, error.Code, error.Msg), Is.EqualTo((412, "failed_precondition", "no shouting")));
        Assert.That(probe.Events, Does.Not.Contain("handler"));
        Assert.That(probe.Events.Last(), Is.EqualTo("exchange:after:412:failed_precondition"));
    }

    [Test]
    public async Task Unregistered_interceptor_is_created_per_call_with_di_dependencies_and_disposed()
    {
        var probe = new CallProbe();
        await using var app = await StartAsync(probe);
        var before = RecordingInterceptor.Disposed;

        await app.PostJsonAsync(EchoPaths.Say, "{}");
        await app.PostJsonAsync(EchoPaths.Say, "{}");

        Assert.That(RecordingInterceptor.Disposed - before, Is.EqualTo(2));
    }

    [Test]
    public async Task Interceptor_registered_in_di_is_resolved_from_the_call_scope_and_not_disposed_by_twirp()
    {
        var probe = new CallProbe();
        var shared = new RecordingInterceptor(probe);
        await using var app = await StartAsync(probe, s => s.AddSingleton(shared));
        var before = RecordingInterceptor.Disposed;

        await app.PostJsonAsync(EchoPaths.Say, "{}");

        Assert.That(probe.Events, Does.Contain("exchange:before:unanswered"));
        Assert.That(RecordingInterceptor.Disposed, Is.EqualTo(before), "the container owns it");
    }

    [Test]
    public async Task Exchange_interceptor_can_reject_before_the_body_is_read()
    {
        var probe = new CallProbe();
        await using var app = await TwirpTestApp.StartAsync(
            a => a.MapTwirp<EchoService>(),
            s => s.AddSingleton(probe).AddScoped<ScopedDependency>(),
            o => o.Interceptors.Add(new RejectingInterceptor()));

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync(EchoPaths.Say, "not even json"));

        Assert.That((error.Status, error.Code), Is.EqualTo((503, "unavailable")), "not malformed: the body was never read");
        Assert.That(probe.Events, Is.Empty);
    }

    [Test]
    public async Task Exchange_interceptor_failing_after_the_answer_leaves_the_answer_intact()
    {
        var probe = new CallProbe();
        await using var app = await TwirpTestApp.StartAsync(
            a => a.MapTwirp<EchoService>(),
            s => s.AddSingleton(probe).AddScoped<ScopedDependency>(),
            o => o.Interceptors.Add(new FailingAfterInterceptor()));

        var response = await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"fine\"}");

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{\"text\":\"fine\",\"repeat_count\":0}"));
    }

    private sealed class FailingAfterInterceptor : TwirpInterceptor
    {
        public override async Task InterceptExchangeAsync(TwirpContext context, TwirpExchangeContinuation continuation)
        {
            await continuation(context);
            throw new InvalidOperationException("audit store down");
        }
    }

    private sealed class RejectingInterceptor : TwirpInterceptor
    {
        public override Task InterceptExchangeAsync(TwirpContext context, TwirpExchangeContinuation continuation) =>
            throw TwirpException.Unavailable("maintenance");
    }
}
