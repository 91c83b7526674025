using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace Twirp.Runtime.Tests;

/// <summary>Options read from appsettings.json follow edits to the file while the app runs.</summary>
public class ConfigurationReloadTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("twirp-config-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private string Settings => Path.Combine(_directory, "appsettings.json");

    private async Task<(WebApplication App, HttpClient Client, CapturingLoggerProvider Logs)> StartAsync(string settings)
    {
        await File.WriteAllTextAsync(Settings, settings);
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddJsonFile(Settings, optional: false, reloadOnChange: true);
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<CallProbe>().AddScoped<ScopedDependency>();
        builder.Services.AddTwirp(o => o.MaxRequestBodySize = 10).BindConfiguration(builder.Configuration.GetSection("Twirp"));
        var app = builder.Build();
        app.MapTwirp<EchoService>();
        await app.StartAsync();
        return (app, app.GetTestClient(), logs);
    }

    /// <summary>Rewrites the file and waits (bounded) until the options monitor has seen the change.</summary>
    private async Task EditAsync(WebApplication app, string settings, Func<TwirpOptions, bool> applied)
    {
        var monitor = app.Services.GetRequiredService<IOptionsMonitor<TwirpOptions>>();
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = monitor.OnChange(o => { if (applied(o)) { changed.TrySetResult(); } });
        await File.WriteAllTextAsync(Settings, settings);
        await changed.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }

    private static Task<HttpResponseMessage> SayAsync(HttpClient client, string text) =>
        client.PostAsync(EchoPaths.Say, new StringContent("{\"text\":\"" + text + "\"}", null, "application/json"));

    [Test]
    public async Task Editing_the_body_limit_in_appsettings_applies_to_the_next_call_without_a_restart()
    {
        var (app, client, _) = await StartAsync("""{ "Twirp": { "MaxRequestBodySize": 100 } }""");
        await using var _ = app;
        var text = new string('x', 200);

        var before = await TwirpErrorBody.ReadAsync(await SayAsync(client, text));
        await EditAsync(app, """{ "Twirp": { "MaxRequestBodySize": 1000 } }""", o => o.MaxRequestBodySize == 1000);
        var after = await SayAsync(client, text);
        await EditAsync(app, """{ "Twirp": { "MaxRequestBodySize": 50 } }""", o => o.MaxRequestBodySize == 50);
        var lowered = await TwirpErrorBody.ReadAsync(await SayAsync(client, "short but over fifty bytes once quoted and wrapped"));

        Assert.That((before.Code, before.Msg), Is.EqualTo(("resource_exhausted", "request body too large: the limit is 100 bytes")), "the file overrides the code's 10");
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(lowered.Msg, Is.EqualTo("request body too large: the limit is 50 bytes"));
    }

    [Test]
    public async Task Detailed_errors_and_json_settings_follow_the_file_and_an_empty_limit_means_none()
    {
        var (app, client, _) = await StartAsync("""{ "Twirp": { "MaxRequestBodySize": 1000 } }""");
        await using var _ = app;

        var plain = await TwirpErrorBody.ReadAsync(await SayAsync(client, "boom"));
        var withDefaults = await (await SayAsync(client, "")).Content.ReadAsStringAsync();
        await EditAsync(app, """{ "Twirp": { "MaxRequestBodySize": "", "EnableDetailedErrors": true, "Json": { "EmitDefaultValues": false, "UseProtoNames": false } } }""",
            o => o.EnableDetailedErrors);
        var detailed = await TwirpErrorBody.ReadAsync(await SayAsync(client, "boom"));
        var withoutDefaults = await (await SayAsync(client, "")).Content.ReadAsStringAsync();
        var unlimited = await SayAsync(client, new string('x', 5000));

        Assert.That(plain.Msg, Is.EqualTo("Internal error"));
        Assert.That(detailed.Msg, Does.Contain("secret detail"));
        Assert.That(withDefaults, Is.EqualTo("{\"text\":\"\",\"repeat_count\":0}"));
        Assert.That(withoutDefaults, Is.EqualTo("{}"));
        Assert.That(unlimited.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task An_invalid_value_in_the_edited_file_is_logged_and_the_previous_options_stay()
    {
        var (app, client, logs) = await StartAsync("""{ "Twirp": { "MaxRequestBodySize": 100 } }""");
        await using var _ = app;

        await File.WriteAllTextAsync(Settings, """{ "Twirp": { "MaxRequestBodySize": "lots" } }""");
        var failure = await WaitForAsync(() => logs.Entries.FirstOrDefault(e => e.Id.Id == 10));
        var error = await TwirpErrorBody.ReadAsync(await SayAsync(client, new string('x', 200)));

        Assert.That(failure.Level, Is.EqualTo(LogLevel.Error));
        Assert.That(failure.Message, Is.EqualTo("Twirp options of twirp.runtime.tests.Echo could not be reloaded; its calls keep the previous ones."));
        Assert.That(failure.Exception!.Message, Is.EqualTo("Configuration value 'Twirp:MaxRequestBodySize' = 'lots' is not valid for Twirp: expected a number of bytes, or empty for no limit."));
        Assert.That(error.Msg, Is.EqualTo("request body too large: the limit is 100 bytes"));
    }

    [Test]
    public void An_invalid_value_at_startup_stops_MapTwirp_with_the_key_and_value()
    {
        File.WriteAllText(Settings, """{ "Twirp": { "EnableDetailedErrors": "maybe" } }""");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddJsonFile(Settings, optional: false, reloadOnChange: false);
        builder.Services.AddSingleton<CallProbe>().AddScoped<ScopedDependency>();
        builder.Services.AddTwirp().BindConfiguration(builder.Configuration.GetSection("Twirp"));
        var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapTwirp<EchoService>());

        Assert.That(error!.Message, Is.EqualTo("Configuration value 'Twirp:EnableDetailedErrors' = 'maybe' is not valid for Twirp: expected true or false."));
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> probe)
    {
        for (var i = 0; i < 150; i++)
        {
            if (probe() is { } found && !found.Equals(default(T)))
            {
                return found;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("not seen within 15 s");
    }
}

/// <summary>A concurrency limit per service through ASP.NET Core's rate limiter, answered the Twirp way.</summary>
public class ConcurrencyLimitTests
{
    [Test]
    public async Task Over_the_concurrency_limit_a_call_gets_a_twirp_resource_exhausted_and_other_services_are_not_limited()
    {
        await using var app = await TwirpTestApp.StartAsync(
            a =>
            {
                a.UseRouting();
                a.UseRateLimiter();
                a.MapTwirp<EchoService>().RequireRateLimiting("echo-concurrency");
                a.MapTwirp<PingerService>();
            },
            s =>
            {
                s.AddSingleton<CallProbe>().AddScoped<ScopedDependency>();
                s.AddRateLimiter(o =>
                {
                    o.AddConcurrencyLimiter("echo-concurrency", c => { c.PermitLimit = 1; c.QueueLimit = 0; });
                    o.OnRejected = (rejected, token) => new ValueTask(rejected.HttpContext.WriteTwirpErrorAsync(
                        TwirpException.ResourceExhausted("too many concurrent calls"), token));
                });
            });
        var probe = app.Services.GetRequiredService<CallProbe>();

        var holding = app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"wait\"}");
        await probe.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var rejected = await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"second\"}");
        var ping = await app.PostJsonAsync("/twirp/Pinger/Ping", "{}");
        probe.Release.SetResult();
        var held = await holding.WaitAsync(TimeSpan.FromSeconds(10));
        var afterwards = await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"third\"}");

        var error = await TwirpErrorBody.ReadAsync(rejected);
        Assert.That((error.Status, error.Code, error.Msg), Is.EqualTo((429, "resource_exhausted", "too many concurrent calls")), "a Twirp error, not a bare 503");
        Assert.That(ping.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((held.StatusCode, afterwards.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)));
    }
}
