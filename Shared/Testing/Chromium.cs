using System;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Playwright;

namespace Twirp.Testing;

/// <summary>
/// Headless Debian Chromium driven by Microsoft.Playwright, for browser tests. Playwright never downloads a
/// browser here: it launches <c>/usr/bin/chromium</c>, which this class installs with apt when it is missing
/// (CI runs as root on a fresh clone). Linked into every test project that drives a browser.
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>
    /// The flags this machine's closed network needs: without the background-networking ones Chromium keeps
    /// opening connections that are refused and looking up Google's hosts at every start.
    /// </summary>
    private static readonly string[] s_arguments =
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    /// <summary>
    /// Starts Playwright and a fresh headless Chromium (Playwright gives every launch a new, empty
    /// user-data-dir and deletes it on close). Dispose the result to close both.
    /// </summary>
    public static async Task<ChromiumBrowser> LaunchAsync()
    {
        await EnsureInstalledAsync();
        // The .NET package has no download step of its own unless `playwright install` runs; this makes sure
        // nothing it starts tries one either.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = s_arguments,
                Timeout = 30_000,
            });
            return new ChromiumBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Installs Debian's <c>chromium</c> package when <see cref="ExecutablePath"/> is missing.</summary>
    public static Task EnsureInstalledAsync() =>
        AptPackages.EnsureInstalledAsync(() => File.Exists(ExecutablePath), $"Browser tests need Chromium at {ExecutablePath}", "chromium");
}

/// <summary>A launched Chromium and the Playwright driver behind it; disposing closes both.</summary>
internal sealed class ChromiumBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;

    public ChromiumBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>A new page in its own context, so nothing (cookies, storage, cache) leaks between tests.</summary>
    public async Task<IPage> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        var context = await Browser.NewContextAsync(options);
        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright.Dispose();
    }
}
