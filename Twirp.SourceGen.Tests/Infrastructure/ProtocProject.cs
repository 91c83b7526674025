using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;
using Twirp.SourceGen.Tests.Differential;

namespace Twirp.SourceGen.Tests.Infrastructure;

/// <summary>
/// A user's project, built as Grpc.Tools builds it: the .proto files on disk under a project directory,
/// protoc (from Grpc.Tools) writing the message classes, and the gRPC classes too when asked, one file
/// per protoc run as Grpc.Tools does; the generator adding the Twirp code; everything compiled with
/// warnings as errors.
/// </summary>
public static class ProtocProject
{
    /// <summary>What a build of the project reports.</summary>
    /// <param name="GeneratorDiagnostics">The generator's own diagnostics, as <c>TWIRP021 a.proto(3,9)</c> (file name, line, column).</param>
    /// <param name="GeneratedCodeDiagnostics">C# warnings and errors inside generated Twirp files: always a bug of ours.</param>
    /// <param name="Sources">The generated files by hint name.</param>
    public sealed record Build(
        IReadOnlyList<string> GeneratorDiagnostics,
        IReadOnlyList<Diagnostic> GeneratedCodeDiagnostics,
        IReadOnlyDictionary<string, string> Sources,
        GeneratorDriverRunResult RunResult,
        IReadOnlyList<Diagnostic> UserCodeDiagnostics);

    private static readonly MetadataReference GrpcCoreApi = MetadataReference.CreateFromFile(typeof(Grpc.Core.Method<,>).Assembly.Location);

    private static string GrpcPluginPath => Path.Combine(Path.GetDirectoryName(ProtocCorpus.ProtocPath)!, OperatingSystem.IsWindows() ? "grpc_csharp_plugin.exe" : "grpc_csharp_plugin");

    /// <param name="files">Paths relative to the project directory, and contents.</param>
    /// <param name="grpcServices">The files' <c>GrpcServices</c> metadata: Grpc.Tools also writes gRPC classes unless "None".</param>
    /// <param name="userSources">The user's own C# next to the generated code; its warnings and errors are in <see cref="Build.UserCodeDiagnostics"/>.</param>
    public static Build Compile(IEnumerable<(string Path, string Text)> files, string grpcServices = "None", IEnumerable<string>? userSources = null)
    {
        var project = Path.Combine(Path.GetTempPath(), "twirp-project-" + Guid.NewGuid().ToString("N"));
        var output = Path.Combine(project, "obj");
        Directory.CreateDirectory(output);
        try
        {
            var protos = new List<ProtoSource>();
            foreach (var (path, text) in files)
            {
                var full = Path.Combine(project, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, text);
                protos.Add(new ProtoSource(full, text, new Dictionary<string, string> { ["build_metadata.Protobuf.GrpcServices"] = grpcServices }));
            }
            var messageSources = new List<string>();
            foreach (var (path, _) in files)
            {
                // One protoc run per file, as Grpc.Tools does; each into its own folder so equal names cannot collide.
                var fileOutput = Path.Combine(output, messageSources.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Path.GetFileNameWithoutExtension(path));
                Directory.CreateDirectory(fileOutput);
                var grpc = grpcServices == "None" ? string.Empty : $" \"--plugin=protoc-gen-grpc={GrpcPluginPath}\" \"--grpc_out={fileOutput}\"";
                var (exitCode, errors) = ProtocCorpus.RunProtoc(project,
                    $"-I. \"-I{ProtocCorpus.StandardIncludeDirectory}\" \"--csharp_out={fileOutput}\"{grpc} \"{path.Replace('\\', '/')}\"");
                Assert.That(exitCode, Is.Zero, "protoc rejects the test's own .proto: " + errors);
                messageSources.AddRange(Directory.EnumerateFiles(fileOutput, "*.cs").Select(File.ReadAllText));
            }

            var userTrees = (userSources ?? []).Select(source => CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions)).ToList();
            var compilation = CSharpCompilation.Create(
                "UserProject",
                messageSources.Select(source => CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions)).Concat(userTrees),
                GeneratorHarness.DefaultReferences.Append(GrpcCoreApi),
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable,
                    generalDiagnosticOption: ReportDiagnostic.Error));
            var (result, compiled) = GeneratorHarness.Run(protos, compilation, new Dictionary<string, string>
            {
                ["build_property.ProjectDir"] = project + Path.DirectorySeparatorChar,
            });

            var problems = GeneratorHarness.GeneratedCodeDiagnostics(result, compiled);
            var diagnostics = result.Diagnostics
                .Select(d => d.Location.IsInSource || d.Location.Kind == LocationKind.ExternalFile
                    ? $"{d.Id} {Path.GetFileName(d.Location.GetLineSpan().Path)}({d.Location.GetLineSpan().StartLinePosition.Line + 1},{d.Location.GetLineSpan().StartLinePosition.Character + 1})"
                    : d.Id)
                .ToList();
            var sources = result.Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
            var userProblems = userTrees
                .SelectMany(tree => compiled.GetSemanticModel(tree).GetDiagnostics())
                .Where(d => d.Severity >= DiagnosticSeverity.Warning)
                .ToList();
            return new Build(diagnostics, problems, sources, result, userProblems);
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }
}
