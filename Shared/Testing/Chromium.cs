using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
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

    private static readonly TimeSpan s_installTimeout = TimeSpan.FromMinutes(10);
    private static readonly SemaphoreSlim s_installGate = new(1, 1);

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

    /// <summary>
    /// Installs Debian's <c>chromium</c> package when <see cref="ExecutablePath"/> is missing. Test projects run
    /// in parallel, so a lock file serializes the install across processes (apt's own locks would fail fast).
    /// </summary>
    public static async Task EnsureInstalledAsync()
    {
        if (File.Exists(ExecutablePath))
        {
            return;
        }
        await s_installGate.WaitAsync();
        try
        {
            using var machineLock = await AcquireMachineLockAsync();
            if (File.Exists(ExecutablePath))
            {
                return;
            }
            if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get"))
            {
                throw new InvalidOperationException(
                    $"Browser tests need Chromium at {ExecutablePath}; this is not a Debian-like system with apt-get, so install it yourself.");
            }
            if (Environment.UserName != "root")
            {
                throw new InvalidOperationException(
                    $"Browser tests need Chromium at {ExecutablePath}. Install it once with `sudo apt-get update && sudo apt-get install -y chromium`, or run the tests as root (as CI does) to have them install it.");
            }
            var deadline = DateTime.UtcNow + s_installTimeout;
            await RunAptAsync("update", deadline);
            await RunAptAsync("install -y --no-install-recommends chromium", deadline);
            if (!File.Exists(ExecutablePath))
            {
                throw new InvalidOperationException($"apt-get installed chromium, but {ExecutablePath} is still missing.");
            }
        }
        finally
        {
            s_installGate.Release();
        }
    }

    private static async Task<FileStream> AcquireMachineLockAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), "twirp-tests-chromium-install.lock");
        var deadline = DateTime.UtcNow + s_installTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }

    private static async Task RunAptAsync(string arguments, DateTime deadline)
    {
        var start = new ProcessStartInfo("apt-get", $"-o DPkg::Lock::Timeout=120 -q {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var remaining = deadline - DateTime.UtcNow;
        using var timeout = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(
                $"`apt-get {arguments}` did not finish within {s_installTimeout.TotalMinutes:0} minutes; install Chromium with `apt-get install -y chromium`.");
        }
        if (process.ExitCode != 0)
        {
            var output = await stdout + await stderr;
            throw new InvalidOperationException(
                $"`apt-get {arguments}` failed (exit code {process.ExitCode}); browser tests need Chromium at {ExecutablePath}.{Environment.NewLine}{output}");
        }
    }
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
