using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
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

    /// <summary>Operations per linted document: quadratic rules stay cheap, one document per linter process would not.</summary>
    private const int OperationsPerDocument = 1_500;

    /// <summary>The machine's two cores.</summary>
    private const int ParallelLinters = 2;

    private static readonly Regex RegisteredName = new("TwirpOpenApiServices\\.Register\\(\"([^\"]+)\"", RegexOptions.CultureInvariant);

    [Test]
    public async Task The_document_of_every_corpus_service_passes_Redocly_lint_with_no_errors()
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var protos = Directory.EnumerateFiles(CorpusRoot, "*.proto", SearchOption.AllDirectories)
            // Google Ads aside, as in the generator's corpus compile check: 4,000 files whose every service
            // reaches thousands of messages, which would make this test minutes long.
            .Where(path => !Path.GetRelativePath(CorpusRoot, path).Replace('\\', '/').StartsWith("google/ads/", StringComparison.Ordinal))
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => new ProtoSource(path, File.ReadAllText(path)))
            .ToList();
        TestContext.Progress.WriteLine($"read: {Clock(stopwatch)}, {protos.Count} files");
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
        TestContext.Progress.WriteLine($"generator: {Clock(stopwatch)}, {protos.Count} files, {serviceCount} services, {openApiSources.Count} with OpenAPI data");
        var servicesWithData = openApiSources.Select(source => source.HintName.Replace(".TwirpOpenApi.g.cs", string.Empty)).ToHashSet();
        var generatedServices = result.Results.Single().GeneratedSources
            .Where(source => source.HintName.EndsWith(".Twirp.g.cs", StringComparison.Ordinal))
            .Select(source => source.HintName.Replace(".Twirp.g.cs", string.Empty));
        Assert.That(generatedServices.Where(name => !servicesWithData.Contains(name)), Is.Empty, "every generated service has its OpenAPI data");
        // The corpus (google-proto-files 6.0.1 without Google Ads) has 1,357 services; a drop means files stopped generating.
        Assert.That(serviceCount, Is.GreaterThanOrEqualTo(1357));

        // The generated data compile on their own (they need no message classes) and register themselves when loaded.
        TestContext.Progress.WriteLine($"C#: {typesSource.SourceText.Length} chars of types, {openApiSources.Sum(source => source.SourceText.Length)} of services");
        GeneratedData.CompileAndRegister("CorpusOpenApiData", openApiSources.Append(typesSource).Select(source => source.SyntaxTree));
        TestContext.Progress.WriteLine($"compiled: {Clock(stopwatch)}");
        var configuration = new TwirpServiceEndpointMetadata("", "/twirp", new TwirpJsonOptions(), TwirpOptions.DefaultMaxRequestBodySize);
        // Each generated class registers its service under its full name, as MapTwirpOpenApi looks it up.
        var names = openApiSources
            .Select(source => RegisteredName.Match(source.SourceText.ToString()))
            .Select(match => match.Success ? match.Groups[1].Value : string.Empty)
            .ToList();
        var mapped = names
            .Select(name => new MappedTwirpService(TwirpOpenApiServices.Find(name)!, "/twirp", configuration, new HashSet<string>()))
            .ToList();
        Assert.That(mapped.Select(m => m.Service), Has.None.Null, "every service's data are registered and read");
        Assert.That(mapped, Has.Count.EqualTo(serviceCount));
        var operationCount = mapped.Sum(m => m.Service.Methods.Count);
        TestContext.Progress.WriteLine($"data read: {Clock(stopwatch)}, {operationCount} methods");

        // Redocly's no-ambiguous-paths compares every path with every other one: on one document of all 12,000
        // operations that alone is minutes. Documents of a few services each (the document an app mapping
        // just those would serve, with every schema they reach) keep it linear; two linters run side by side.
        var chunks = Chunk(mapped, OperationsPerDocument);
        var directory = Directory.CreateTempSubdirectory("twirp-openapi-corpus-");
        try
        {
            var paths = new HashSet<string>(StringComparer.Ordinal);
            var operationIds = new HashSet<string>(StringComparer.Ordinal);
            var files = new List<string>();
            long bytes = 0;
            foreach (var chunk in chunks)
            {
                var document = TwirpOpenApiDocumentBuilder.Build(chunk, new TwirpOpenApiOptions { Title = "google-proto-files" });
                document["servers"] = new JsonArray(new JsonObject { ["url"] = "/" });
                foreach (var (pathName, item) in document["paths"]!.AsObject())
                {
                    paths.Add(pathName);
                    operationIds.Add(item!["post"]!["operationId"]!.GetValue<string>());
                }
                Assert.That(document["tags"]!.AsArray(), Has.Count.EqualTo(chunk.Count), "one tag per service");
                var file = Path.Combine(directory.FullName, $"corpus-{files.Count:D2}.json");
                await using (var stream = File.Create(file))
                await using (var writer = new Utf8JsonWriter(stream))
                {
                    document.WriteTo(writer);
                }
                bytes += new FileInfo(file).Length;
                files.Add(file);
            }
            TestContext.Progress.WriteLine($"documents: {Clock(stopwatch)}, {files.Count} of {bytes} bytes in all, {paths.Count} operations");
            // Unique across the documents, as in one document of them all.
            Assert.That(paths, Has.Count.EqualTo(operationCount), "one path per method of every service");
            Assert.That(operationIds, Has.Count.EqualTo(operationCount), "one operationId per method of every service");

            var lints = await Task.WhenAll(Enumerable.Range(0, ParallelLinters)
                .Select(linter => files.Where((_, index) => index % ParallelLinters == linter).ToList())
                .Select(group => NodeTools.LintAsync(group, TimeSpan.FromMinutes(10))));
            TestContext.Progress.WriteLine($"lint: {Clock(stopwatch)} (the linters are processes of their own)");
            var output = string.Join("\n", lints.Select(lint => lint.Output));
            TestContext.Out.WriteLine(output.Length > 20_000 ? output.Substring(0, 20_000) : output);
            foreach (var file in files)
            {
                Assert.That(output, Does.Contain(Path.GetFileName(file)), "every document was linted");
            }
            Assert.That(lints.Select(lint => lint.ExitCode), Is.All.Zero, output.Length > 5_000 ? output.Substring(0, 5_000) : output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Wall time so far, and this process's CPU time: on a shared machine the second one says what a phase costs.</summary>
    private static string Clock(System.Diagnostics.Stopwatch stopwatch) =>
        $"{stopwatch.Elapsed:mm\\:ss\\.f} (CPU {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime:mm\\:ss\\.f})";

    /// <summary>Services in order, a new group when the next one would pass <paramref name="operations"/> (a larger service is a group of its own).</summary>
    private static List<List<MappedTwirpService>> Chunk(IEnumerable<MappedTwirpService> services, int operations)
    {
        var chunks = new List<List<MappedTwirpService>>();
        var count = 0;
        foreach (var service in services)
        {
            if (chunks.Count == 0 || (count + service.Service.Methods.Count > operations && count > 0))
            {
                chunks.Add(new List<MappedTwirpService>());
                count = 0;
            }
            chunks[^1].Add(service);
            count += service.Service.Methods.Count;
        }
        return chunks;
    }
}
