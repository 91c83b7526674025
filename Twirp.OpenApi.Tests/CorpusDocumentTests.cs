using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;
using Twirp.OpenApi.Tests.Infrastructure;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.OpenApi.Tests;

/// <summary>
/// Every service of the real-world corpus (Google's APIs, npm <c>google-proto-files</c>, the corpus of the
/// generator's differential tests; Google Ads aside) gets OpenAPI data from the generator, and the
/// document of them all passes Redocly's linter.
/// </summary>
[Category("Differential")]
public class CorpusDocumentTests
{
    private static string CorpusRoot { get; } =
        Path.GetFullPath(Path.Combine(NodeTools.ProjectDirectory, "..", "Twirp.SourceGen.Tests", "corpus", "node_modules", "google-proto-files"));

    /// <summary>
    /// Every n-th file generates, to keep CI short: with all 1,357 services the generated data are 50 MB of C#
    /// that take minutes to compile. <c>TWIRP_OPENAPI_FULL_CORPUS=1</c> takes them all.
    /// </summary>
    private static readonly int SampleEvery = Environment.GetEnvironmentVariable("TWIRP_OPENAPI_FULL_CORPUS") == "1" ? 1 : 8;

    [Test]
    public async Task The_document_of_every_corpus_service_passes_Redocly_lint_with_no_errors()
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var protos = Directory.EnumerateFiles(CorpusRoot, "*.proto", SearchOption.AllDirectories)
            // Google Ads aside, as in the generator's corpus compile check: 4,000 files whose every service
            // reaches thousands of messages, which would make this test minutes long.
            .Where(path => !Path.GetRelativePath(CorpusRoot, path).Replace('\\', '/').StartsWith("google/ads/", StringComparison.Ordinal))
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select((path, index) => new ProtoSource(path, File.ReadAllText(path),
                // Every file is read (imports need them); only the sampled ones generate.
                index % SampleEvery == 0 ? null : new Dictionary<string, string> { ["TwirpServices"] = "None" }))
            .ToList();
        TestContext.Progress.WriteLine($"read: {stopwatch.Elapsed}, {protos.Count} files");
        // Without step tracking: recording every step of thousands of inputs is what would take minutes.
        var driver = GeneratorHarness.CreateDriver(protos, trackSteps: false, globalOptions: new Dictionary<string, string>
        {
            ["build_property.TwirpVerifyMessageTypes"] = "false",
            ["build_property.ProjectDir"] = CorpusRoot,
        }).RunGenerators(GeneratorHarness.CreateCompilation());
        var result = driver.GetRunResult();
        var openApiSources = result.Results.Single().GeneratedSources
            .Where(source => source.HintName.EndsWith(".TwirpOpenApi.g.cs", StringComparison.Ordinal))
            .ToList();
        var typesSource = result.Results.Single().GeneratedSources.Single(source => source.HintName == "TwirpOpenApiTypes.g.cs");
        var serviceCount = result.Results.Single().GeneratedSources.Count(source => source.HintName.EndsWith(".Twirp.g.cs", StringComparison.Ordinal));
        TestContext.Progress.WriteLine($"generator: {stopwatch.Elapsed}, {protos.Count} files, {serviceCount} services, {openApiSources.Count} with OpenAPI data");
        var servicesWithData = openApiSources.Select(source => source.HintName.Replace(".TwirpOpenApi.g.cs", string.Empty)).ToHashSet();
        var generatedServices = result.Results.Single().GeneratedSources
            .Where(source => source.HintName.EndsWith(".Twirp.g.cs", StringComparison.Ordinal))
            .Select(source => source.HintName.Replace(".Twirp.g.cs", string.Empty));
        Assert.That(generatedServices.Where(name => !servicesWithData.Contains(name)), Is.Empty, "every generated service has its OpenAPI data");
        Assert.That(serviceCount, Is.GreaterThan(1000 / SampleEvery));

        // The generated data compile on their own (they need no message classes) and register themselves when loaded.
        TestContext.Progress.WriteLine($"types: {typesSource.SourceText.Length} chars");
        var assembly = CompileAndLoad(openApiSources.Append(typesSource).Select(source => source.SyntaxTree));
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        TestContext.Progress.WriteLine($"compiled: {stopwatch.Elapsed}");
        var configuration = new TwirpServiceEndpointMetadata("", "/twirp", new TwirpJsonOptions(), TwirpOptions.DefaultMaxRequestBodySize);
        // The generated classes' own names for their services, as MapTwirpOpenApi looks them up.
        var names = assembly.GetTypes()
            .Where(type => type.Name.EndsWith("TwirpOpenApi", StringComparison.Ordinal))
            .Select(type => ((TwirpOpenApiService)type.GetProperty("Service")!.GetValue(null)!).FullName)
            .ToList();
        var mapped = names
            .Select(name => new MappedTwirpService(TwirpOpenApiServices.Find(name)!, "/twirp", configuration, new HashSet<string>()))
            .ToList();
        Assert.That(mapped.Select(m => m.Service), Has.None.Null);
        Assert.That(mapped, Has.Count.EqualTo(openApiSources.Count));

        var document = TwirpOpenApiDocumentBuilder.Build(mapped, new TwirpOpenApiOptions { Title = "google-proto-files" });
        document["servers"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["url"] = "/" });
        var path = Path.Combine(Path.GetTempPath(), "twirp-openapi-corpus-" + Guid.NewGuid().ToString("N") + ".json");
        await using (var file = File.Create(path))
        await using (var writer = new Utf8JsonWriter(file))
        {
            document.WriteTo(writer);
        }
        TestContext.Progress.WriteLine($"document: {stopwatch.Elapsed}, {new FileInfo(path).Length} bytes, {document["paths"]!.AsObject().Count} operations");
        try
        {
            var (exitCode, output) = await NodeTools.LintAsync(path);

            TestContext.Progress.WriteLine($"lint: {stopwatch.Elapsed}");
            TestContext.Out.WriteLine(output.Length > 20_000 ? output.Substring(0, 20_000) : output);
            Assert.That(exitCode, Is.Zero, output.Length > 5_000 ? output.Substring(0, 5_000) : output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static Assembly CompileAndLoad(IEnumerable<SyntaxTree> trees)
    {
        var compilation = CSharpCompilation.Create("CorpusOpenApiData", trees, GeneratorHarness.DefaultReferences,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.That(emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).Take(20), Is.Empty);
        return Assembly.Load(image.ToArray());
    }
}
