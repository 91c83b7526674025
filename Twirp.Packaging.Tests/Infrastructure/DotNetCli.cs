using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Twirp.Packaging.Tests.Infrastructure;

/// <summary>The result of one <c>dotnet</c> command: its exit code and everything it printed.</summary>
public sealed record CommandResult(string CommandLine, int ExitCode, string Output)
{
    public override string ToString() => $"> {CommandLine}\nexit code {ExitCode}\n{Output}";
}

/// <summary>
/// Runs the <c>dotnet</c> CLI as a user's shell would: the MSBuild variables that <c>dotnet test</c>
/// sets for its own build are removed so they cannot leak into the projects under test, and no build
/// server outlives the command.
/// </summary>
public static class DotNetCli
{
    private static readonly string Executable = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    public static async Task<CommandResult> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        using var process = Start(workingDirectory, arguments, out var output);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'dotnet {string.Join(' ', arguments)}' did not finish in {timeout}.\n{Snapshot(output)}");
        }
        process.WaitForExit(); // flushes the asynchronous output readers
        return new CommandResult("dotnet " + string.Join(' ', arguments), process.ExitCode, Snapshot(output));
    }

    /// <summary>Starts a long-running process (a web server); the caller kills it.</summary>
    public static RunningProcess StartLongRunning(string workingDirectory, params string[] arguments)
    {
        var process = Start(workingDirectory, arguments, out var output);
        return new RunningProcess(process, output);
    }

    private static Process Start(string workingDirectory, string[] arguments, out StringBuilder output)
    {
        var info = new ProcessStartInfo(Executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        var inherited = new List<string>();
        foreach (string name in info.Environment.Keys)
        {
            inherited.Add(name);
        }
        foreach (var name in inherited)
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(name);
            }
        }
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var buffer = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(buffer, e.Data);
        process.ErrorDataReceived += (_, e) => Append(buffer, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = buffer;
        return process;
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    internal static string Snapshot(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}

/// <summary>A started process that is killed, with its children, on dispose.</summary>
public sealed class RunningProcess(Process process, StringBuilder output) : IDisposable
{
    public string Output => DotNetCli.Snapshot(output);

    public bool HasExited => process.HasExited;

    /// <summary>Waits until the process prints <paramref name="text"/>; fails early if it exits.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The process exited with code {process.ExitCode} before printing '{text}'.\n{Output}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The process did not print '{text}' in {timeout}.\n{Output}");
            }
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        finally
        {
            process.Dispose();
        }
    }
}
