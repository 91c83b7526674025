using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Twirp.Testing;

/// <summary>
/// Runs the Node.js side of an interop suite: TypeScript scripts through tsx, and the npm tools of
/// the suite's <c>node_modules/.bin</c>, all in the suite's npm directory. Every process has a
/// deadline and is killed with its children when it passes or the test ends.
/// </summary>
public static class NodeProcess
{
    /// <summary>How long one script or tool may run unless its caller gives another deadline.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Starts <c>node --import tsx {script}</c> in <paramref name="directory"/> with redirected stdio.</summary>
    public static Process StartScript(string directory, string script)
    {
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("--import");
        startInfo.ArgumentList.Add("tsx");
        startInfo.ArgumentList.Add(script);
        return Process.Start(startInfo) ?? throw new InvalidOperationException("node did not start");
    }

    /// <summary>
    /// Runs a script to completion with <paramref name="input"/> as JSON on stdin; returns its stdout
    /// as JSON. A non-zero exit or a missed deadline fails the test with the script's stderr.
    /// </summary>
    public static async Task<JsonElement> RunScriptAsync(string directory, string script, object input)
    {
        using var process = StartScript(directory, script);
        var (exitCode, stdout, stderr) = await CompleteAsync(process, JsonSerializer.Serialize(input), $"node {script}", Deadline);
        if (exitCode != 0)
        {
            Assert.Fail($"node {script} exited with {exitCode}:\n{stderr}");
        }
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    /// <summary>
    /// Runs <c>node_modules/.bin/{tool}</c> in <paramref name="directory"/>; returns its exit code and
    /// output. It is killed, and the test fails, after <paramref name="deadline"/> (default <see cref="Deadline"/>).
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToolAsync(string directory, string tool, IEnumerable<string> arguments, TimeSpan? deadline = null)
    {
        var path = Path.Combine(directory, "node_modules", ".bin", OperatingSystem.IsWindows() ? tool + ".cmd" : tool);
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing: the test project's build installs it with npm ci.");
        }
        var startInfo = new ProcessStartInfo(path)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        startInfo.Environment["NO_COLOR"] = "1";
        // Nothing leaves the machine: Redocly asks its server about updates and usage otherwise.
        startInfo.Environment["REDOCLY_TELEMETRY"] = "off";
        startInfo.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException(tool + " did not start");
        return await CompleteAsync(process, stdin: string.Empty, tool, deadline ?? Deadline);
    }

    /// <summary>Kills <paramref name="process"/> and its children if it is still running.</summary>
    public static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> CompleteAsync(Process process, string stdin, string what, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
            var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
            await process.WaitForExitAsync(deadline.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Assert.Fail($"{what} did not finish within {timeout.TotalSeconds} s");
            throw;
        }
        finally
        {
            Kill(process);
        }
    }
}

/// <summary>
/// A Node.js server script that listens on 127.0.0.1 with a port the OS picks, prints <c>{"port":N}</c>
/// on stdout once listening, and exits when its stdin closes, so it never outlives the test.
/// </summary>
public sealed class NodeServer : IDisposable
{
    private readonly Process _process;

    private NodeServer(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    /// <summary><c>http://127.0.0.1:{port}</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Starts <paramref name="script"/> and waits until it listens.</summary>
    public static async Task<NodeServer> StartAsync(string directory, string script)
    {
        var process = NodeProcess.StartScript(directory, script);
        try
        {
            using var deadline = new CancellationTokenSource(NodeProcess.Deadline);
            var line = await process.StandardOutput.ReadLineAsync(deadline.Token);
            if (line is null)
            {
                Assert.Fail($"node {script} exited before listening:\n" + await process.StandardError.ReadToEndAsync(deadline.Token));
            }
            using var ready = JsonDocument.Parse(line!);
            var port = ready.RootElement.GetProperty("port").GetInt32();
            return new NodeServer(process, new Uri($"http://127.0.0.1:{port}"));
        }
        catch
        {
            NodeProcess.Kill(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Closes the server's stdin, which asks it to exit, and kills it to make sure it does.</summary>
    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        NodeProcess.Kill(_process);
        _process.Dispose();
    }
}
