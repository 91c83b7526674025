using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using NUnit.Framework;

namespace Twirp.SourceGen.Tests.Infrastructure;

/// <summary>
/// Approved-files snapshots in Verify's convention: <c>{Class}.{Method}#{Name}.verified.cs</c> beside the
/// test file. On a mismatch the actual text is written to <c>*.received.cs</c> (git-ignored) and the test
/// fails; set <c>TWIRP_ACCEPT_SNAPSHOTS=1</c> to overwrite the baselines instead.
/// </summary>
public static class Snapshot
{
    public const string AcceptVariable = "TWIRP_ACCEPT_SNAPSHOTS";

    /// <summary>Every baseline file a test asked for in this run, to find orphans.</summary>
    internal static readonly HashSet<string> UsedBaselines = new(StringComparer.Ordinal);

    public static string ProjectDirectory { get; } =
        typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ProjectDirectory").Value!;

    public static bool AcceptMode =>
        Environment.GetEnvironmentVariable(AcceptVariable) is { Length: > 0 } value && value != "0";

    /// <summary>Compares <paramref name="actual"/> with the baseline for this test and <paramref name="name"/>.</summary>
    /// <param name="extension">The baselines' extension: <c>.cs</c> for generated code, <c>.json</c> for documents.</param>
    public static void Verify(string actual, string name, string extension = ".cs", [CallerFilePath] string testFile = "", [CallerMemberName] string testMethod = "")
    {
        var testClass = Path.GetFileNameWithoutExtension(testFile);
        var directory = Path.GetDirectoryName(testFile)!;
        var baseName = $"{testClass}.{testMethod}#{StripCsExtension(name)}";
        var verifiedPath = Path.Combine(directory, baseName + ".verified" + extension);
        var receivedPath = Path.Combine(directory, baseName + ".received" + extension);
        lock (UsedBaselines)
        {
            UsedBaselines.Add(Path.GetFullPath(verifiedPath));
        }

        actual = Normalize(actual);
        var expected = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }
        if (AcceptMode)
        {
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, actual);
        Assert.Fail(expected is null
            ? $"No baseline {Path.GetFileName(verifiedPath)}. Review {Path.GetFileName(receivedPath)}, then rename it or rerun with {AcceptVariable}=1."
            : $"{Path.GetFileName(receivedPath)} differs from its baseline. Review the difference, then accept it with {AcceptVariable}=1.");
    }

    /// <summary>Verify's convention drops the hint name's <c>.cs</c>: <c>A.g.cs</c> becomes <c>#A.g.verified.cs</c>.</summary>
    private static string StripCsExtension(string name) =>
        name.EndsWith(".cs", StringComparison.Ordinal) ? name.Substring(0, name.Length - 3) : name;

    /// <summary>Line endings are compared as LF so a checkout with CRLF still matches.</summary>
    internal static string Normalize(string text) => text.Replace("\r\n", "\n").Replace("\r", "\n");
}
