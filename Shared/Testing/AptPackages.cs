using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Twirp.Testing;

/// <summary>
/// Installs the Debian packages a test needs when they are missing (CI runs as root on a fresh machine).
/// Test projects run in parallel and apt's own locks fail fast, so every install on the machine, whichever
/// project asks, goes through one lock file; dpkg's lock is waited for too, in case something else holds it.
/// Linked into every test project that installs a package.
/// </summary>
internal static class AptPackages
{
    private static readonly TimeSpan s_installTimeout = TimeSpan.FromMinutes(10);
    private static readonly SemaphoreSlim s_processGate = new(1, 1);

    /// <summary>
    /// Runs <c>apt-get update</c> and <c>apt-get install</c> for <paramref name="packages"/> unless
    /// <paramref name="isPresent"/> already holds; <paramref name="need"/> starts every error message.
    /// </summary>
    public static async Task EnsureInstalledAsync(Func<bool> isPresent, string need, params string[] packages)
    {
        if (isPresent())
        {
            return;
        }
        var install = $"apt-get update && apt-get install -y {string.Join(' ', packages)}";
        await s_processGate.WaitAsync();
        try
        {
            using var machineLock = await AcquireMachineLockAsync();
            if (isPresent())
            {
                return;
            }
            if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get"))
            {
                throw new InvalidOperationException($"{need}; this is not a Debian-like system with apt-get, so install it yourself.");
            }
            if (Environment.UserName != "root")
            {
                throw new InvalidOperationException($"{need}. Install it once with `sudo {install}`, or run the tests as root (as CI does) to have them install it.");
            }
            var deadline = DateTime.UtcNow + s_installTimeout;
            await RunAptAsync("update", need, deadline);
            await RunAptAsync($"install -y --no-install-recommends {string.Join(' ', packages)}", need, deadline);
            if (!isPresent())
            {
                throw new InvalidOperationException($"{need}: apt-get installed {string.Join(", ", packages)}, but it is still missing.");
            }
        }
        finally
        {
            s_processGate.Release();
        }
    }

    private static async Task<FileStream> AcquireMachineLockAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), "twirp-tests-apt-install.lock");
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

    private static async Task RunAptAsync(string arguments, string need, DateTime deadline)
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
            throw new TimeoutException($"{need}: `apt-get {arguments}` did not finish within {s_installTimeout.TotalMinutes:0} minutes.");
        }
        if (process.ExitCode != 0)
        {
            var output = await stdout + await stderr;
            throw new InvalidOperationException($"{need}: `apt-get {arguments}` failed (exit code {process.ExitCode}).{Environment.NewLine}{output}");
        }
    }
}
