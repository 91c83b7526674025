using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Twirp.OpenApi.Tests.Infrastructure;

/// <summary>The npm tools in <c>node/</c>, installed by the build from the committed package-lock.json (node/OpenApiTools.targets).</summary>
public static class NodeTools
{
    public static string ProjectDirectory { get; } =
        typeof(NodeTools).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!;

    public static string Directory { get; } = Path.Combine(ProjectDirectory, "node");

    /// <summary>Runs <paramref name="tool"/> from <c>node_modules/.bin</c> in <c>node/</c>; killed after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, string arguments, TimeSpan timeout)
    {
        var path = Path.Combine(Directory, "node_modules", ".bin", tool);
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing; build Twirp.OpenApi.Tests (node/OpenApiTools.targets runs npm ci).");
        }
        var start = new ProcessStartInfo(path, arguments)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["NO_COLOR"] = "1";
        // Redocly asks its server about updates and usage otherwise: nothing leaves the machine.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(exited, Task.Delay(timeout)) != exited)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} {arguments} did not finish within {timeout}.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Lints an OpenAPI document with Redocly's recommended rules; returns the exit code and report.</summary>
    public static Task<(int ExitCode, string Output)> LintAsync(string documentPath) =>
        RunAsync("redocly", $"lint \"{documentPath}\" --config redocly.yaml --format stylish --max-problems 50", TimeSpan.FromMinutes(2));
}
