using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Parsing;
using Twirp.SourceGen.Resolution;

namespace Twirp.SourceGen.Benchmarks;

/// <summary>
/// The front end on real input: every file of Google's API protos (npm <c>google-proto-files</c>) and one
/// ~5,000-line file. Texts are read once; only parsing and model building are measured.
/// </summary>
[MemoryDiagnoser]
public class FrontEndBenchmarks
{
    /// <summary>4,925 lines, 190 KB: Cloud Deploy's API, services, comments, options and all.</summary>
    public const string LargeFile = "google/cloud/deploy/v1/cloud_deploy.proto";

    private List<(string Path, string Text)> _corpus = null!;
    private string _largeText = null!;

    public static string CorpusDirectory { get; } = Path.GetFullPath(
        typeof(FrontEndBenchmarks).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CorpusDirectory").Value!);

    [GlobalSetup]
    public void Setup()
    {
        _corpus = new[] { "google", "grafeas" }
            .SelectMany(top => Directory.EnumerateFiles(Path.Combine(CorpusDirectory, top), "*.proto", SearchOption.AllDirectories))
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (path, File.ReadAllText(path)))
            .ToList();
        _largeText = File.ReadAllText(Path.Combine(CorpusDirectory, LargeFile));
    }

    /// <summary>Lexing and parsing every corpus file into its model, one after the other on one thread.</summary>
    [Benchmark]
    public int ParseCorpus()
    {
        var declarations = 0;
        foreach (var (path, text) in _corpus)
        {
            var file = ProtoParser.Parse(path, text);
            declarations += file.Messages.Count + file.Services.Count;
        }
        return declarations;
    }

    /// <summary>
    /// <see cref="ParseCorpus"/> keeping every declaration's comments (messages, enums, fields), as the
    /// differential tests against protoc do; the generator keeps only services' and methods'.
    /// </summary>
    [Benchmark]
    public int ParseCorpusAllComments()
    {
        var declarations = 0;
        foreach (var (path, text) in _corpus)
        {
            var file = ProtoParser.Parse(path, text, CommentRetention.All);
            declarations += file.Messages.Count + file.Services.Count;
        }
        return declarations;
    }

    /// <summary>
    /// What the generator does for a project holding the whole corpus: parse every file, resolve imports,
    /// build the symbol table with C# names and the service models.
    /// </summary>
    [Benchmark]
    public int ParseAndResolveCorpus()
    {
        var inputs = new List<(ProtoFileModel, ProtoSearchPaths)>(_corpus.Count);
        foreach (var (path, text) in _corpus)
        {
            inputs.Add((ProtoParser.Parse(path, text), ProtoSearchPaths.Create(path, CorpusDirectory, Array.Empty<string>())));
        }
        var compilation = ProtoCompilation.Create(inputs);
        var options = new GenerationOptions[inputs.Count];
        Array.Fill(options, new GenerationOptions(Generate: true, IsInternal: false, GenerateServer: true, GenerateClient: true, WritesGrpcClasses: false));
        return ServiceModelBuilder.Build(compilation, options, openApi: false, new List<DiagnosticInfo>()).Count;
    }

    [Benchmark]
    public int ParseLargeFile() => ProtoParser.Parse(LargeFile, _largeText).Messages.Count;
}
