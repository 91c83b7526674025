using System;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NUnit.Framework;
using Twirp.Client.Tests.Infrastructure;
using Twirp.Testing;

namespace Twirp.Client.Tests.ConnectInterop;

/// <summary>
/// A page using @connectrpc/connect-web (bundled by esbuild during the build), served from one loopback
/// origin and loaded in headless Debian Chromium, calls our server on another origin through CORS: a
/// JSON or binary POST with a timeout header, a GET, and an error. The page shows what it got.
/// </summary>
[Category("Interop")]
[Category("Browser")]
public class BrowserTests
{
    private ChromiumBrowser _chromium = null!;
    private KestrelApp _pageHost = null!;
    private KestrelApp _server = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var script = NodeProject.Connect.BuiltFile("dist/page.js");
        _pageHost = await KestrelApp.StartAsync(app =>
        {
            app.MapGet("/", () => Results.Content("<!doctype html><html><head><meta charset=\"utf-8\"><script type=\"module\" src=\"/page.js\"></script></head><body></body></html>", "text/html; charset=utf-8"));
            app.MapGet("/page.js", () => Results.File(script, "text/javascript"));
        });
        var pageOrigin = _pageHost.BaseAddress.GetLeftPart(UriPartial.Authority);
        _server = await OurConnectInteropService.StartAsync(
            new OurConnectInteropService.Received(),
            app => app.UseCors(),
            services => services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.WithOrigins(pageOrigin).WithTwirpAndConnectHeaders())));
        _chromium = await Chromium.LaunchAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (_pageHost is not null)
        {
            await _pageHost.DisposeAsync();
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Connect_web_page_on_another_origin_calls_our_server_through_CORS(bool binary)
    {
        Assert.That(_server.BaseAddress.Port, Is.Not.EqualTo(_pageHost.BaseAddress.Port), "two origins");
        var page = await _chromium.NewPageAsync();
        var server = new Uri(_server.BaseAddress, "twirp").ToString();

        await page.GotoAsync($"{_pageHost.BaseAddress}?binary={(binary ? 1 : 0)}&server={Uri.EscapeDataString(server)}");
        var shown = page.Locator("#answer, #error");
        await shown.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });

        Assert.That(await shown.GetAttributeAsync("id"), Is.EqualTo("answer"), await shown.TextContentAsync());
        using var answer = JsonDocument.Parse((await shown.TextContentAsync())!);
        var echo = answer.RootElement.GetProperty("echo");
        Assert.That(echo.GetProperty("servedBy").GetString(), Is.EqualTo("twirp-dotnet"));
        Assert.That(echo.GetProperty("fields").GetProperty("stringValue").GetString(), Is.EqualTo("from chromium ✓"));
        Assert.That(answer.RootElement.GetProperty("query").GetProperty("httpMethod").GetString(), Is.EqualTo("GET"));
        var failure = answer.RootElement.GetProperty("failure");
        Assert.That(failure.GetProperty("code").GetString(), Is.EqualTo("permission_denied"));
        Assert.That(failure.GetProperty("message").GetString(), Is.EqualTo("not from this page"));
    }

    [Test]
    public async Task Page_without_CORS_permission_cannot_read_our_answer()
    {
        await using var closed = await OurConnectInteropService.StartAsync(new OurConnectInteropService.Received());
        var page = await _chromium.NewPageAsync();
        var server = new Uri(closed.BaseAddress, "twirp").ToString();

        await page.GotoAsync($"{_pageHost.BaseAddress}?server={Uri.EscapeDataString(server)}");
        var shown = page.Locator("#answer, #error");
        await shown.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });

        Assert.That(await shown.GetAttributeAsync("id"), Is.EqualTo("error"), "the browser blocks a cross-origin answer the server did not allow");
    }
}
