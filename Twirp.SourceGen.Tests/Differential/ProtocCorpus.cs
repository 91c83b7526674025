using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Google.Protobuf.Reflection;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Differential;

/// <summary>
/// The real-world corpus (Google's API protos from the npm package <c>google-proto-files</c>, installed by
/// the test project's build) and the <c>protoc</c> that ships in Grpc.Tools, which describes it as the
/// reference our front end is compared with. protoc's output is cached under <c>obj/</c>.
/// </summary>
public static class ProtocCorpus
{
    public static string GrpcToolsDirectory { get; } =
        typeof(ProtocCorpus).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "GrpcToolsDirectory").Value!;

    public static string CorpusRoot { get; } = Path.Combine(Snapshot.ProjectDirectory, "corpus", "node_modules", "google-proto-files");

    /// <summary>Grpc.Tools' standard import directory: the well-known types.</summary>
    public static string StandardIncludeDirectory { get; } = Path.Combine(GrpcToolsDirectory, "build", "native", "include");

    public static string ProtocPath { get; } = FindProtoc();

    private static readonly string CacheDirectory = Path.Combine(Snapshot.ProjectDirectory, "obj", "protoc-corpus");

    private static readonly Lazy<IReadOnlyList<string>> s_files = new(() =>
        new[] { "google", "grafeas" }
            .SelectMany(top => Directory.EnumerateFiles(Path.Combine(CorpusRoot, top), "*.proto", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(CorpusRoot, path).Replace('\\', '/'))
            .OrderBy(path => path, StringComparer.Ordinal)
            .ToList());

    private static readonly Lazy<(FileDescriptorSet Set, IReadOnlyDictionary<string, string> Rejected)> s_descriptors = new(BuildDescriptorSet);

    /// <summary>Every <c>.proto</c> of the corpus, as import paths (<c>google/api/http.proto</c>).</summary>
    public static IReadOnlyList<string> Files => s_files.Value;

    /// <summary>protoc's descriptors (with source info) for every corpus file protoc accepts.</summary>
    public static FileDescriptorSet Descriptors => s_descriptors.Value.Set;

    /// <summary>Corpus files protoc itself rejects, with its first error: they cannot be compared.</summary>
    public static IReadOnlyDictionary<string, string> RejectedByProtoc => s_descriptors.Value.Rejected;

    private static string FindProtoc()
    {
        var platform = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "windows"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "macosx" : "linux";
        var architecture = RuntimeInformation.OSArchitecture == Architecture.Arm64 && platform != "windows" ? "arm64" : "x64";
        var name = platform == "windows" ? "protoc.exe" : "protoc";
        return Path.Combine(GrpcToolsDirectory, "tools", $"{platform}_{architecture}", name);
    }

    private static (FileDescriptorSet, IReadOnlyDictionary<string, string>) BuildDescriptorSet() =>
        DescribeAccepted("corpus", CorpusRoot, Array.Empty<string>(), Files,
            File.GetLastWriteTimeUtc(Path.Combine(CorpusRoot, "package.json")).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Runs protoc once over <paramref name="files"/> (relative to <paramref name="root"/>, with more
    /// import roots), cached under <c>obj/protoc-corpus/{name}</c> until <paramref name="version"/> changes.
    /// protoc stops at the first file it rejects, so rejected files are taken out and protoc runs again
    /// until it accepts the rest.
    /// </summary>
    public static (FileDescriptorSet Set, IReadOnlyDictionary<string, string> Rejected) DescribeAccepted(
        string name, string root, IReadOnlyList<string> importRoots, IReadOnlyList<string> files, string version)
    {
        var cache = name == "corpus" ? CacheDirectory : Path.Combine(CacheDirectory, name);
        Directory.CreateDirectory(cache);
        var output = Path.Combine(cache, "corpus.pb");
        var rejectedPath = Path.Combine(cache, "rejected.txt");
        var stamp = Path.Combine(cache, "stamp.txt");
        var expectedStamp = ProtocPath + "\n" + files.Count + "\n" + version;
        var includes = string.Concat(importRoots.Select(directory => $" \"-I{directory}\""));
        if (!(File.Exists(output) && File.Exists(stamp) && File.ReadAllText(stamp) == expectedStamp))
        {
            var rejected = new Dictionary<string, string>(StringComparer.Ordinal);
            var accepted = files.ToList();
            for (var attempt = 0; ; attempt++)
            {
                var listFile = Path.Combine(cache, "files.txt");
                File.WriteAllLines(listFile, accepted);
                var (exitCode, errors) = RunProtoc(root,
                    $"-I.{includes} --descriptor_set_out=\"{output}\" --include_imports --include_source_info \"@{listFile}\"");
                if (exitCode == 0)
                {
                    break;
                }
                var failing = Regex.Matches(errors, @"^(?<file>[^\s:]+\.proto)(:\d+:\d+)?: (?<message>(?!warning:).*)$", RegexOptions.Multiline)
                    .Where(match => accepted.Contains(match.Groups["file"].Value))
                    .GroupBy(match => match.Groups["file"].Value)
                    .ToList();
                if (failing.Count == 0 || attempt > 50)
                {
                    throw new InvalidOperationException("protoc failed on the corpus:\n" + errors);
                }
                foreach (var group in failing)
                {
                    rejected[group.Key] = group.First().Groups["message"].Value;
                    accepted.Remove(group.Key);
                }
            }
            File.WriteAllLines(rejectedPath, rejected.Select(pair => pair.Key + "\t" + pair.Value));
            File.WriteAllText(stamp, expectedStamp);
        }
        using var stream = File.OpenRead(output);
        var set = FileDescriptorSet.Parser.ParseFrom(stream);
        var rejectedFiles = File.ReadAllLines(rejectedPath)
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t', 2))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        return (set, rejectedFiles);
    }

    public static (int ExitCode, string Errors) RunProtoc(string workingDirectory, string arguments)
    {
        var start = new ProcessStartInfo(ProtocPath, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, errors + stdout.Result);
    }
}
