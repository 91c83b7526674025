using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Twirp.SourceGen.Tests.Infrastructure;

/// <summary>A <c>.proto</c> handed to the generator as an AdditionalFiles item, with its item metadata.</summary>
public sealed record ProtoSource(string Path, string Text, IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>Runs <see cref="TwirpGenerator"/> over in-memory protos and C#, the way the compiler does.</summary>
public static class GeneratorHarness
{
    /// <summary>The assemblies a generated-code compilation needs: the BCL, ASP.NET Core, Protobuf, Twirp.</summary>
    public static IReadOnlyList<MetadataReference> DefaultReferences { get; } = LoadDefaultReferences();

    public static CSharpCompilation CreateCompilation(IEnumerable<string>? csharpSources = null, IEnumerable<MetadataReference>? references = null) =>
        CSharpCompilation.Create(
            "Generated",
            (csharpSources ?? Array.Empty<string>()).Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            references ?? DefaultReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>
    /// The global options (build properties) every run gets unless a test passes its own. Message-class
    /// verification (TWIRP053) is off, so tests of the emitted text need no message classes; the tests of
    /// that check turn it on.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DefaultGlobalOptions { get; } = new Dictionary<string, string>
    {
        ["build_property.TwirpVerifyMessageTypes"] = "false",
    };

    /// <summary>
    /// A driver over <paramref name="protos"/>; <paramref name="texts"/>, when given, are the AdditionalText
    /// instances to hand it (one per proto), so a test can later replace one with <c>ReplaceAdditionalText</c>.
    /// </summary>
    public static CSharpGeneratorDriver CreateDriver(IEnumerable<ProtoSource> protos, bool trackSteps = true, IReadOnlyDictionary<string, string>? globalOptions = null,
        IReadOnlyList<AdditionalText>? texts = null)
    {
        var protoList = protos.ToList();
        return CSharpGeneratorDriver.Create(
            new[] { new TwirpGenerator().AsSourceGenerator() },
            texts ?? protoList.Select(ToAdditionalText).ToList(),
            ParseOptions,
            new InMemoryOptionsProvider(protoList, globalOptions ?? DefaultGlobalOptions),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));
    }

    /// <summary>Runs the generator once and returns its result and the compilation with the generated code.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(IEnumerable<ProtoSource> protos, CSharpCompilation? compilation = null,
        IReadOnlyDictionary<string, string>? globalOptions = null)
    {
        compilation ??= CreateCompilation();
        var driver = CreateDriver(protos, globalOptions: globalOptions).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver.GetRunResult(), output);
    }

    /// <summary>
    /// The C# diagnostics of at least <paramref name="minimum"/> severity (warnings turned into errors
    /// included) inside the generated trees of <paramref name="output"/>. Only those trees are bound: the
    /// rest (protoc's C#) is known to compile, and binding its method bodies is what would be slow.
    /// </summary>
    public static List<Diagnostic> GeneratedCodeDiagnostics(GeneratorDriverRunResult result, Compilation output,
        DiagnosticSeverity minimum = DiagnosticSeverity.Warning)
    {
        var generated = result.GeneratedTrees.ToHashSet();
        return output.SyntaxTrees.Where(generated.Contains)
            .SelectMany(tree => output.GetSemanticModel(tree).GetDiagnostics())
            .Where(d => d.Severity >= minimum || d.IsWarningAsError)
            .ToList();
    }

    private static IReadOnlyList<MetadataReference> LoadDefaultReferences()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var aspNetCore = Path.GetDirectoryName(typeof(Microsoft.AspNetCore.Http.HttpContext).Assembly.Location)!;
        var paths = trusted
            .Concat(Directory.EnumerateFiles(aspNetCore, "*.dll"))
            .Append(typeof(Google.Protobuf.IMessage).Assembly.Location)
            .Append(typeof(Twirp.TwirpMethod).Assembly.Location)
            .Append(typeof(Twirp.ITwirpService).Assembly.Location)
            .Where(path => !Path.GetFileName(path).StartsWith("Twirp.SourceGen", StringComparison.Ordinal))
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(group => group.First());
        return paths.Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToList();
    }

    public static AdditionalText ToAdditionalText(ProtoSource proto) => new InMemoryAdditionalText(proto.Path, proto.Text);

    private sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public override string Path { get; } = path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class InMemoryOptionsProvider(IReadOnlyList<ProtoSource> protos, IReadOnlyDictionary<string, string> globalOptions) : AnalyzerConfigOptionsProvider
    {
        private static readonly DictionaryOptions Empty = new(ImmutableDictionary<string, string>.Empty);

        public override AnalyzerConfigOptions GlobalOptions { get; } = new DictionaryOptions(globalOptions.ToImmutableDictionary());

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile)
        {
            var proto = protos.FirstOrDefault(p => p.Path == textFile.Path);
            if (proto?.Metadata is null)
            {
                return Empty;
            }
            // A bare name is AdditionalFiles metadata; a full key (build_metadata.Protobuf.Access) is kept as
            // written, for metadata that reaches the compiler through the Protobuf item.
            return new DictionaryOptions(proto.Metadata.ToImmutableDictionary(
                pair => pair.Key.StartsWith("build_metadata.", StringComparison.Ordinal) ? pair.Key : "build_metadata.AdditionalFiles." + pair.Key,
                pair => pair.Value));
        }
    }

    private sealed class DictionaryOptions(ImmutableDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}
