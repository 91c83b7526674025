using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Google.Protobuf.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;
using Twirp.SourceGen.Parsing;
using Twirp.SourceGen.Resolution;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Differential;

/// <summary>
/// A second real-world corpus, written by people who are not Google: Reddit Devvit's protos (the npm
/// package <c>@devvit/protos</c>, installed by the test project's build). Unlike google-proto-files it
/// needs two import roots (<c>schema/</c> and the vendored <c>schema/.snootobuf/deps/</c>), so it also
/// checks <c>ProtoRoot</c> and <c>AdditionalImportDirs</c> on real files.
/// </summary>
[Category("Differential")]
public class DevvitCorpusTests
{
    private static readonly string Root = Path.Combine(Snapshot.ProjectDirectory, "corpus", "node_modules", "@devvit", "protos", "schema");

    private const string DepsRelative = ".snootobuf/deps";

    private static readonly string Deps = Path.Combine(Root, ".snootobuf", "deps");

    private static readonly Lazy<(IReadOnlyList<string> Own, IReadOnlyList<string> Vendored, FileDescriptorSet Set, IReadOnlyDictionary<string, string> Rejected)> s_corpus = new(() =>
    {
        var own = Relative(Root, Directory.EnumerateFiles(Root, "*.proto", SearchOption.AllDirectories)
            .Where(path => !path.StartsWith(Deps, StringComparison.Ordinal)));
        var vendored = Relative(Deps, Directory.EnumerateFiles(Deps, "*.proto", SearchOption.AllDirectories));
        var version = File.GetLastWriteTimeUtc(Path.Combine(Root, "..", "package.json")).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (set, rejected) = ProtocCorpus.DescribeAccepted("devvit", Root, new[] { DepsRelative, ProtocCorpus.StandardIncludeDirectory }, own.Concat(vendored).ToList(), version);
        return (own.Where(file => !rejected.ContainsKey(file)).ToList(), vendored.Where(file => !rejected.ContainsKey(file)).ToList(), set, rejected);
    });

    private static List<string> Relative(string root, IEnumerable<string> paths) =>
        paths.Select(path => Path.GetRelativePath(root, path).Replace('\\', '/')).OrderBy(path => path, StringComparer.Ordinal).ToList();

    [Test]
    public void Every_devvit_proto_protoc_accepts_matches_protocs_descriptor()
    {
        var (own, vendored, set, rejected) = s_corpus.Value;
        var inputs = own.Select(file => Parse(Path.Combine(Root, file), Root, new[] { Deps }))
            .Concat(vendored.Select(file => Parse(Path.Combine(Deps, file), Deps, new[] { Root })))
            .ToList();
        var compilation = ProtoCompilation.Create(inputs);

        var differences = ProtocDifferentialTests.CompareAll(compilation, set, out var compared);

        TestContext.Out.WriteLine($"Compared {compared} files; protoc rejects {rejected.Count}: {string.Join(", ", rejected.Keys)}");
        Assert.That(compared, Is.GreaterThan(150));
        Assert.That(differences, Is.Empty, string.Join("\n", differences.Take(60)));
        Assert.That(compilation.Diagnostics.Select(d => d.ToDiagnostic().ToString()), Is.Empty);
    }

    /// <summary>
    /// The .proto bytes the compile check takes in (service files with everything they import): protoc's
    /// C# for all of Devvit is 14 MB, and parsing and binding it would take most of a minute of CI.
    /// </summary>
    private const long ClosureBudgetBytes = 200_000;

    [Test]
    public void Generated_services_for_devvit_compile_against_protocs_CSharp_messages_with_warnings_as_errors()
    {
        var (allOwn, allVendored, set, _) = s_corpus.Value;
        var closure = ServiceClosure(set, allOwn.Concat(allVendored).ToHashSet(StringComparer.Ordinal));
        var own = allOwn.Where(closure.Contains).ToList();
        var vendored = allVendored.Where(closure.Contains).ToList();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var output = Path.Combine(Path.GetTempPath(), "twirp-devvit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(output);
        List<string> messageSources;
        try
        {
            var list = Path.Combine(output, "files.txt");
            File.WriteAllLines(list, own.Concat(vendored));
            var (exitCode, errors) = ProtocCorpus.RunProtoc(Root,
                $"-I. -I{DepsRelative} \"-I{ProtocCorpus.StandardIncludeDirectory}\" \"--csharp_out={output}\" --csharp_opt=base_namespace= \"@{list}\"");
            Assert.That(exitCode, Is.Zero, errors);
            messageSources = Directory.EnumerateFiles(output, "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText).ToList();
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
        // As a project with the Devvit schema inside it would list them: its own files under the project's
        // ProtoRoot, the vendored ones with their own root, each side importing from the other.
        var protos = own.Select(file => new ProtoSource(Path.Combine(Root, file), File.ReadAllText(Path.Combine(Root, file)),
                new Dictionary<string, string> { ["AdditionalImportDirs"] = DepsRelative }))
            .Concat(vendored.Select(file => new ProtoSource(Path.Combine(Deps, file), File.ReadAllText(Path.Combine(Deps, file)),
                new Dictionary<string, string> { ["ProtoRoot"] = DepsRelative, ["AdditionalImportDirs"] = "." })))
            .ToList();
        var compilation = CSharpCompilation.Create(
            "Devvit",
            messageSources.Select(source => CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions)),
            GeneratorHarness.DefaultReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error));

        TestContext.Out.WriteLine($"protoc: {stopwatch.Elapsed}");
        var (result, compiled) = GeneratorHarness.Run(protos, compilation, new Dictionary<string, string>
        {
            // On: every message class the services name is looked up in protoc's output, a check of its own.
            ["build_property.TwirpVerifyMessageTypes"] = "true",
            ["build_property.ProjectDir"] = Root + Path.DirectorySeparatorChar,
        });

        Assert.That(result.Diagnostics.Where(d => d.Id != "TWIRP003").Select(d => d.ToString()), Is.Empty);
        var services = result.Results.Single().GeneratedSources.Count(s => s.HintName.EndsWith(".Twirp.g.cs", StringComparison.Ordinal));
        TestContext.Out.WriteLine($"{own.Count + vendored.Count} files (of {allOwn.Count + allVendored.Count}), {services} services generated, {result.Diagnostics.Count(d => d.Id == "TWIRP003")} streaming rpcs skipped");
        Assert.That(services, Is.GreaterThan(15));
        TestContext.Out.WriteLine($"generator: {stopwatch.Elapsed}");
        var problems = GeneratorHarness.GeneratedCodeDiagnostics(result, compiled).Select(d => d.ToString()).ToList();
        TestContext.Out.WriteLine($"compiled: {stopwatch.Elapsed}");
        Assert.That(problems.Take(30), Is.Empty, $"{problems.Count} diagnostics in generated code");
    }

    /// <summary>Service files in name order, each with all it imports, while the whole stays within the budget.</summary>
    private static HashSet<string> ServiceClosure(FileDescriptorSet set, HashSet<string> files)
    {
        var byName = set.File.ToDictionary(file => file.Name, StringComparer.Ordinal);
        var closure = new HashSet<string>(StringComparer.Ordinal);
        long bytes = 0;
        foreach (var candidate in byName.Values.Where(file => file.Service.Count > 0 && files.Contains(file.Name)).OrderBy(file => file.Name, StringComparer.Ordinal))
        {
            var added = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>(new[] { candidate.Name });
            while (pending.Count > 0)
            {
                var name = pending.Pop();
                if (files.Contains(name) && !closure.Contains(name) && added.Add(name))
                {
                    foreach (var dependency in byName[name].Dependency)
                    {
                        pending.Push(dependency);
                    }
                }
            }
            var addedBytes = added.Sum(name => new FileInfo(Path.Combine(File.Exists(Path.Combine(Root, name)) ? Root : Deps, name)).Length);
            if (bytes + addedBytes <= ClosureBudgetBytes)
            {
                closure.UnionWith(added);
                bytes += addedBytes;
            }
        }
        return closure;
    }

    private static (ProtoFileModel, ProtoSearchPaths) Parse(string path, string root, IReadOnlyList<string> importDirectories) =>
        (ProtoParser.Parse(path, File.ReadAllText(path), CommentRetention.All), ProtoSearchPaths.Create(path, root, importDirectories));
}
