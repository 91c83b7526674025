using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Twirp.Testing;

namespace Twirp.OpenApi.Tests.Infrastructure;

/// <summary>The npm tools in <c>node/</c>, installed by the build from the committed package-lock.json (node/OpenApiTools.targets).</summary>
public static class NodeTools
{
    public static string ProjectDirectory { get; } =
        typeof(NodeTools).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!;

    public static string Directory { get; } = Path.Combine(ProjectDirectory, "node");

    /// <summary>Runs <paramref name="tool"/> from <c>node_modules/.bin</c> in <c>node/</c> (<see cref="NodeProcess.RunToolAsync"/>); its stdout then stderr.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan deadline)
    {
        var (exitCode, stdout, stderr) = await NodeProcess.RunToolAsync(Directory, tool, arguments, deadline);
        return (exitCode, stdout + stderr);
    }

    /// <summary>Lints an OpenAPI document with Redocly's recommended rules; returns the exit code and report.</summary>
    public static Task<(int ExitCode, string Output)> LintAsync(string documentPath) => LintAsync([documentPath], TimeSpan.FromMinutes(2));

    /// <summary>
    /// Lints OpenAPI documents with Redocly's recommended rules in one process; the exit code is not zero
    /// when any of them has an error.
    /// </summary>
    public static Task<(int ExitCode, string Output)> LintAsync(IReadOnlyList<string> documentPaths, TimeSpan deadline) =>
        RunAsync("redocly", ["lint", .. documentPaths, "--config", "redocly.yaml", "--format", "stylish", "--max-problems", "50"], deadline);

    /// <summary>Lints the document <paramref name="json"/> (written to a temporary file) as <see cref="LintAsync(string)"/> does.</summary>
    public static async Task<(int ExitCode, string Output)> LintTextAsync(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), "twirp-openapi-tests-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, json);
        try
        {
            return await LintAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
