using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Playwright;
using NUnit.Framework;
using Twirp.OpenApi.Tests.Infrastructure;
using Twirp.Testing;

namespace Twirp.OpenApi.Tests;

/// <summary>
/// The sample's API reference page (Scalar, Development only) in a real headless Chromium: it shows the
/// service's operations, is not blank, and loads nothing from outside the machine.
/// </summary>
[Category("Browser")]
[NonParallelizable]
public class ReferencePageTests
{
    private ChromiumBrowser _chromium = null!;

    [OneTimeSetUp]
    public async Task LaunchAsync() => _chromium = await Chromium.LaunchAsync();

    [OneTimeTearDown]
    public async Task CloseAsync() => await _chromium.DisposeAsync();

    [Test]
    [CancelAfter(60_000)]
    public async Task The_samples_reference_page_shows_its_operations_from_loopback_alone()
    {
        await using var sample = await SampleProcess.StartAsync("Development", TimeSpan.FromSeconds(30));
        var page = await _chromium.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var requests = new ConcurrentQueue<string>();
        page.Request += (_, request) => requests.Enqueue(request.Url);

        var response = await page.GotoAsync(new Uri(sample.BaseAddress, "/scalar/").ToString());
        Assert.That(response?.Status, Is.EqualTo(200));
        // Scalar lists each operation by its summary or path; MakeHat's path ends with the method's name.
        var operation = page.GetByText("MakeHat").First;
        await operation.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 30_000 });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new PageWaitForLoadStateOptions { Timeout = 15_000 });

        var screenshot = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = false });
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "reference-page.png");
        await File.WriteAllBytesAsync(path, screenshot);
        TestContext.AddTestAttachment(path, "The sample's API reference page");

        var text = await page.Locator("body").InnerTextAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(text, Does.Contain("MakeHat"));
            Assert.That(text, Does.Contain("Haberdasher"));
            Assert.That(await ScreenshotCheck.DistinctColoursAsync(_chromium, screenshot), Is.GreaterThanOrEqualTo(ScreenshotCheck.MinimumColours),
                "the screenshot has the colours of a rendered page");
            Assert.That(requests.Where(url => !IsLoopback(url)), Is.Empty, "every request goes to the app itself");
            Assert.That(requests, Has.Some.Contains("/openapi/twirp.json"), "the page reads the Twirp document");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task The_blank_page_check_rejects_an_empty_page()
    {
        var page = await _chromium.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.SetContentAsync("<!doctype html><html><body></body></html>");
        var screenshot = await page.ScreenshotAsync();

        Assert.That(await ScreenshotCheck.DistinctColoursAsync(_chromium, screenshot), Is.LessThan(ScreenshotCheck.MinimumColours));
    }

    private static bool IsLoopback(string url) =>
        url.StartsWith("data:", StringComparison.Ordinal) || url.StartsWith("blob:", StringComparison.Ordinal)
        || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback);
}
