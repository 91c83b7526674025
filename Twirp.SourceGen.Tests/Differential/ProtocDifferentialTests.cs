using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Google.Protobuf.Reflection;
using NUnit.Framework;
using Twirp.SourceGen.Parsing;
using Twirp.SourceGen.Resolution;

namespace Twirp.SourceGen.Tests.Differential;

/// <summary>
/// Our parser and resolver against protoc itself, file by file: every difference in package, imports,
/// messages, enums, fields (with resolved types), services, methods, options and comments is listed.
/// </summary>
[Category("Differential")]
public class ProtocDifferentialTests
{
    /// <summary>Our own protos covering every grammar item (groups, extensions, editions, literals, comments...).</summary>
    public static string EdgeCaseDirectory => Path.Combine(Infrastructure.Snapshot.ProjectDirectory, "Differential", "EdgeCases");

    [Test]
    public void Every_google_proto_files_file_protoc_accepts_matches_protocs_descriptor()
    {
        var compilation = CompileDirectory(ProtocCorpus.CorpusRoot, ProtocCorpus.Files);
        var differences = CompareAll(compilation, ProtocCorpus.Descriptors, out var compared);

        TestContext.Out.WriteLine($"Compared {compared} files; protoc rejects {ProtocCorpus.RejectedByProtoc.Count}:");
        foreach (var (file, error) in ProtocCorpus.RejectedByProtoc)
        {
            TestContext.Out.WriteLine($"  {file}: {error}");
        }
        Assert.That(compared, Is.GreaterThan(7000), "the corpus should have thousands of files");
        Assert.That(differences, Is.Empty, Summarize(differences));
        // Resolving the whole corpus reports problems only in the files protoc rejects too.
        var resolutionProblems = compilation.Diagnostics
            .Select(d => d.ToDiagnostic())
            .Where(d => !ProtocCorpus.RejectedByProtoc.Keys.Any(rejected => d.Location.GetLineSpan().Path.EndsWith(rejected, StringComparison.Ordinal)))
            .Select(d => d.ToString())
            .ToList();
        Assert.That(resolutionProblems, Is.Empty, Summarize(resolutionProblems));
    }

    [Test]
    public void Grpc_Tools_well_known_types_match_protocs_descriptors()
    {
        var files = Directory.EnumerateFiles(Path.Combine(ProtocCorpus.StandardIncludeDirectory, "google", "protobuf"), "*.proto")
            .Select(path => "google/protobuf/" + Path.GetFileName(path))
            .OrderBy(path => path, StringComparer.Ordinal)
            .ToList();
        var set = RunProtoc(ProtocCorpus.StandardIncludeDirectory, files, includeDirectories: Array.Empty<string>());
        var compilation = CompileDirectory(ProtocCorpus.StandardIncludeDirectory, files);

        var differences = CompareAll(compilation, set, out var compared);

        Assert.That(compared, Is.EqualTo(files.Count));
        Assert.That(differences, Is.Empty, Summarize(differences));
    }

    [Test]
    public void Embedded_well_known_types_are_the_ones_Grpc_Tools_ships()
    {
        var shipped = Directory.EnumerateFiles(Path.Combine(ProtocCorpus.StandardIncludeDirectory, "google", "protobuf"), "*.proto")
            .Select(path => "google/protobuf/" + Path.GetFileName(path))
            .OrderBy(path => path, StringComparer.Ordinal);

        Assert.That(WellKnownTypes.Files.Keys.OrderBy(path => path, StringComparer.Ordinal), Is.EqualTo(shipped));
        Assert.That(WellKnownTypes.Files.Values.SelectMany(file => file.Diagnostics), Is.Empty);
    }

    [Test]
    public void Edge_case_protos_match_protocs_descriptors()
    {
        var files = Directory.EnumerateFiles(EdgeCaseDirectory, "*.proto")
            .Select(Path.GetFileName)
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToList();
        var set = RunProtoc(EdgeCaseDirectory, files!, new[] { ProtocCorpus.StandardIncludeDirectory });
        var compilation = CompileDirectory(EdgeCaseDirectory, files!);

        var differences = CompareAll(compilation, set, out var compared);

        Assert.That(compared, Is.EqualTo(files.Count + set.File.Count(f => f.Name.StartsWith("google/protobuf/", StringComparison.Ordinal))));
        Assert.That(differences, Is.Empty, Summarize(differences));
        Assert.That(compilation.Diagnostics, Is.Empty);
    }

    /// <summary>Parses every file as the generator would, with <paramref name="root"/> as their ProtoRoot.</summary>
    internal static ProtoCompilation CompileDirectory(string root, IEnumerable<string> relativePaths)
    {
        var inputs = relativePaths.AsParallel().AsOrdered().Select(relative =>
        {
            var path = Path.Combine(root, relative);
            var paths = ProtoSearchPaths.Create(path, root, Array.Empty<string>());
            return (ProtoParser.Parse(path, File.ReadAllText(path), CommentRetention.All), paths);
        }).ToList();
        return ProtoCompilation.Create(inputs);
    }

    internal static List<string> CompareAll(ProtoCompilation compilation, FileDescriptorSet set, out int compared)
    {
        var byVirtualPath = compilation.Files.ToDictionary(file => file.VirtualPath, StringComparer.Ordinal);
        var differences = new List<string>();
        compared = 0;
        foreach (var descriptor in set.File)
        {
            if (!byVirtualPath.TryGetValue(descriptor.Name, out var file))
            {
                differences.Add($"{descriptor.Name}: protoc compiled it, we have no such file");
                continue;
            }
            differences.AddRange(DescriptorComparer.Compare(file, compilation, descriptor));
            compared++;
        }
        return differences;
    }

    private static FileDescriptorSet RunProtoc(string root, IReadOnlyList<string> files, IEnumerable<string> includeDirectories)
    {
        var output = Path.Combine(Path.GetTempPath(), "twirp-protoc-" + Guid.NewGuid().ToString("N") + ".pb");
        try
        {
            var includes = string.Concat(includeDirectories.Select(directory => $" \"-I{directory}\""));
            var (exitCode, errors) = ProtocCorpus.RunProtoc(root,
                $"-I. {includes} --descriptor_set_out=\"{output}\" --include_imports --include_source_info " + string.Join(" ", files.Select(f => $"\"{f}\"")));
            Assert.That(exitCode, Is.Zero, errors);
            using var stream = File.OpenRead(output);
            return FileDescriptorSet.Parser.ParseFrom(stream);
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static string Summarize(List<string> differences, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        if (differences.Count == 0)
        {
            return string.Empty;
        }
        var report = Path.Combine(Path.GetTempPath(), test + ".differences.txt");
        File.WriteAllLines(report, differences);
        return $"{differences.Count} differences (all in {report}), the first 60:\n" + string.Join("\n", differences.Take(60));
    }
}
