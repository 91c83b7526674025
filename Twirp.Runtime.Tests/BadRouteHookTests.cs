using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using Twirp.Runtime.Tests.Bare;

namespace Twirp.Runtime.Tests;

/// <summary>
/// Bad routes of a known service run that service's hooks (global first), in Twirp Go's order:
/// RequestReceived, then Error and ResponseSent; bad routes naming no mapped service run none.
/// </summary>
public class BadRouteHookTests
{
    private static async Task<(TwirpTestApp App, CallProbe Probe)> StartAsync(Action<TwirpOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var probe = new CallProbe();
        var app = await TwirpTestApp.StartAsync(
            a =>
            {
                a.MapTwirp<EchoService>();
                a.MapTwirp<PingerService>();
            },
            s =>
            {
                s.AddSingleton(probe).AddScoped<ScopedDependency>()
                    .AddTwirp()
                    .AddServiceOptions<EchoService>(o => o.Hooks.Add(HookTests.Recording(probe, "echo")))
                    .AddServiceOptions<PingerService>(o => o.Hooks.Add(HookTests.Recording(probe, "pinger")));
                services?.Invoke(s);
            },
            o =>
            {
                o.Hooks.Add(HookTests.Recording(probe, "global"));
                configure?.Invoke(o);
            });
        return (app, probe);
    }

    private static readonly string[] EchoBadRouteEvents =
    [
        "global:received", "echo:received",
        "global:error:bad_route:404", "echo:error:bad_route:404",
        "global:sent:404", "echo:sent:404",
    ];

    [Test]
    public async Task Unknown_method_of_a_known_service_runs_that_services_hooks_in_go_order()
    {
        var (app, probe) = await StartAsync();
        await using var _ = app;

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync("/twirp/twirp.runtime.tests.Echo/Shout", "{}"));

        Assert.That((error.Status, error.Code), Is.EqualTo((404, "bad_route")));
        Assert.That(error.Msg, Is.EqualTo("no handler for path \"/twirp/twirp.runtime.tests.Echo/Shout\""));
        Assert.That(probe.Events, Is.EqualTo(EchoBadRouteEvents), "the pinger's hooks do not run");
    }

    [Test]
    public async Task Bad_route_context_names_package_and_service_but_no_method()
    {
        string? seen = null;
        var (app, _) = await StartAsync(o => o.Hooks.Add(new TwirpHooks
        {
            Error = (c, e) =>
            {
                seen = $"{c.Package}|{c.ServiceName}|{c.MethodName ?? "null"}|{c.Method is null}|{c.Error?.Code}|{c.GetHttpContext()?.Request.Path}";
                return default;
            },
        }));
        await using var __ = app;

        await app.PostJsonAsync("/twirp/twirp.runtime.tests.Echo/Shout", "{}");

        Assert.That(seen, Is.EqualTo("twirp.runtime.tests|Echo|null|True|BadRoute|/twirp/twirp.runtime.tests.Echo/Shout"));
    }

    [Test]
    public async Task Non_post_to_an_unknown_method_of_a_known_service_runs_its_hooks()
    {
        var (app, probe) = await StartAsync();
        await using var _ = app;

        var error = await TwirpErrorBody.ReadAsync(await app.Client.GetAsync("/twirp/twirp.runtime.tests.Echo/Shout"));

        Assert.That(error.Msg, Is.EqualTo("unsupported method \"GET\" (only POST is allowed)"));
        Assert.That(probe.Events, Is.EqualTo(EchoBadRouteEvents));
    }

    [Test]
    public async Task Method_in_the_wrong_case_runs_the_services_hooks_with_no_method()
    {
        string? method = "unset";
        var (app, probe) = await StartAsync(o => o.Hooks.Add(new TwirpHooks { RequestReceived = c => { method = c.MethodName; return default; } }));
        await using var _ = app;

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync("/twirp/twirp.runtime.tests.Echo/say", "{}"));

        Assert.That(error.Msg, Is.EqualTo("no handler for path \"/twirp/twirp.runtime.tests.Echo/say\""));
        Assert.That(method, Is.Null, "say is no method of Echo, whatever routing's case-insensitive match picked");
        Assert.That(probe.Events, Is.EqualTo(EchoBadRouteEvents));
        Assert.That(probe.Events, Does.Not.Contain("handler"));
    }

    [Test]
    public async Task Prefix_in_the_wrong_case_is_an_invalid_prefix_not_a_call()
    {
        var (app, probe) = await StartAsync();
        await using var _ = app;

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync("/TWIRP/twirp.runtime.tests.Echo/Say", "{}"));

        Assert.That(error.Msg, Is.EqualTo("invalid path prefix \"/TWIRP\", expected \"/twirp\", on path \"/TWIRP/twirp.runtime.tests.Echo/Say\""));
        Assert.That(probe.Events, Is.EqualTo(EchoBadRouteEvents), "the handler never runs");
    }

    [Test]
    public async Task Known_service_under_a_wrong_prefix_runs_its_hooks()
    {
        var (app, probe) = await StartAsync();
        await using var _ = app;

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync("/Pinger/Ping", "{}"));

        Assert.That(error.Msg, Is.EqualTo("invalid path prefix \"\", expected \"/twirp\", on path \"/Pinger/Ping\""));
        Assert.That(probe.Events, Is.EqualTo(new[]
        {
            "global:received", "pinger:received", "global:error:bad_route:404", "pinger:error:bad_route:404", "global:sent:404", "pinger:sent:404",
        }));
    }

    [Test]
    public async Task Unknown_service_under_the_prefix_runs_no_hooks()
    {
        var (app, probe) = await StartAsync();
        await using var _ = app;

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync("/twirp/twirp.runtime.tests.Nope/Say", "{}"));

        Assert.That((error.Status, error.Code), Is.EqualTo((404, "bad_route")));
        Assert.That(probe.Events, Is.Empty);
    }

    [Test]
    public async Task Request_received_hook_rejects_a_bad_route_with_its_own_error()
    {
        var (app, probe) = await StartAsync(o => o.Hooks.Insert(0, new TwirpHooks
        {
            RequestReceived = c => c.RequestHeaders.ContainsKey("X-Key") ? default : throw TwirpException.Unauthenticated("no key"),
        }));
        await using var _ = app;

        var rejected = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync("/twirp/twirp.runtime.tests.Echo/Shout", "{}"));
        probe.Events.Clear();
        using var withKey = new HttpRequestMessage(HttpMethod.Post, "/twirp/twirp.runtime.tests.Echo/Shout") { Content = new StringContent("{}") };
        withKey.Headers.Add("X-Key", "1");
        var admitted = await TwirpErrorBody.ReadAsync(await app.Client.SendAsync(withKey));

        Assert.That((rejected.Status, rejected.Code, rejected.Msg), Is.EqualTo((401, "unauthenticated", "no key")), "as in Go, the hook's error is written instead");
        Assert.That((admitted.Status, admitted.Code), Is.EqualTo((404, "bad_route")));
    }

    [Test]
    public async Task Request_received_rejection_of_a_bad_route_runs_error_and_sent_hooks_only()
    {
        var (app, probe) = await StartAsync(o => o.Hooks.Insert(0, new TwirpHooks { RequestReceived = c => throw TwirpException.Unauthenticated("no key") }));
        await using var _ = app;

        await app.PostJsonAsync("/twirp/twirp.runtime.tests.Echo/Shout", "{}");

        Assert.That(probe.Events, Is.EqualTo(new[]
        {
            "global:error:unauthenticated:401", "echo:error:unauthenticated:401", "global:sent:401", "echo:sent:401",
        }));
    }

    [Test]
    public async Task Failing_error_hook_on_a_bad_route_is_logged_and_the_answer_stands()
    {
        var logs = new CapturingLoggerProvider();
        var (app, probe) = await StartAsync(
            o => o.Hooks.Insert(0, new TwirpHooks { Error = (c, e) => throw new InvalidOperationException("hook bug") }),
            s => s.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)));
        await using var _ = app;

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync("/twirp/twirp.runtime.tests.Echo/Shout", "{}"));

        Assert.That((error.Status, error.Code), Is.EqualTo((404, "bad_route")));
        Assert.That(probe.Events, Is.EqualTo(EchoBadRouteEvents));
        var hookFailure = logs.Entries.Single(e => e.Id.Id == 6);
        Assert.That(hookFailure.Message, Is.EqualTo("Twirp Error hook failed for twirp.runtime.tests.Echo; the call's answer is unchanged."));
        Assert.That(logs.Entries.Count(e => e.Id.Id == 5), Is.EqualTo(1), "the bad route is logged once");
    }
}
