using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using NUnit.Framework;
using Twirp.SourceGen.Input;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Packaging;

/// <summary>
/// The item metadata the generator reads (Twirp.SourceGen.props makes it compiler-visible as
/// <c>build_metadata.AdditionalFiles.*</c> and <c>build_metadata.Protobuf.*</c>).
/// </summary>
public class ItemMetadataTests
{
    private const string MethodsFile = "twirp.example.haberdasher.Haberdasher.Twirp.g.cs";
    private const string ServerFile = "twirp.example.haberdasher.Haberdasher.TwirpServer.g.cs";

    [Test]
    public void Access_Internal_on_the_AdditionalFiles_item_makes_the_generated_classes_internal()
    {
        var sources = Generate(new Dictionary<string, string> { ["Access"] = "Internal" });

        Assert.That(sources[MethodsFile], Does.Contain("internal static partial class HaberdasherTwirp"));
        Assert.That(sources[ServerFile], Does.Contain("internal abstract partial class HaberdasherBase"));
    }

    [Test]
    public void Access_Internal_on_the_Protobuf_item_is_used_when_the_AdditionalFiles_item_has_none()
    {
        var sources = Generate(new Dictionary<string, string> { ["build_metadata.Protobuf.Access"] = "Internal" });

        Assert.That(sources[MethodsFile], Does.Contain("internal static partial class HaberdasherTwirp"));
    }

    [Test]
    public void Metadata_on_the_AdditionalFiles_item_wins_over_the_Protobuf_item()
    {
        var sources = Generate(new Dictionary<string, string>
        {
            ["Access"] = "Public",
            ["build_metadata.Protobuf.Access"] = "Internal",
        });

        Assert.That(sources[MethodsFile], Does.Contain("public static partial class HaberdasherTwirp"));
    }

    [Test]
    public void No_metadata_generates_public_classes_and_the_server()
    {
        var sources = Generate(metadata: null);

        Assert.That(sources[MethodsFile], Does.Contain("public static partial class HaberdasherTwirp"));
        Assert.That(sources.Keys, Does.Contain(ServerFile));
    }

    [Test]
    public void TwirpServices_None_generates_nothing_for_the_file()
    {
        var (result, _) = GeneratorHarness.Run(new[] { WithMetadata(new Dictionary<string, string> { ["TwirpServices"] = "None" }) });

        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.GeneratedTrees, Is.Empty);
    }

    [Test]
    public void A_TwirpServices_None_file_still_defines_the_messages_other_files_import()
    {
        var global = new Dictionary<string, string>(GeneratorHarness.DefaultGlobalOptions) { ["build_property.ProjectDir"] = "/src/app/" };
        var types = new ProtoSource("/src/app/Protos/types.proto", """
            syntax = "proto3";
            package shop;
            message Order { string id = 1; }
            service Hidden { rpc Peek(Order) returns (Order); }
            """, new Dictionary<string, string> { ["TwirpServices"] = "None" });
        var orders = new ProtoSource("/src/app/Protos/orders.proto", """
            syntax = "proto3";
            package shop;
            import "Protos/types.proto";
            service Orders { rpc Place(Order) returns (Order); }
            """);

        var (result, _) = GeneratorHarness.Run(new[] { types, orders }, globalOptions: global);

        Assert.That(result.Diagnostics, Is.Empty);
        var hints = result.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.That(hints, Has.Some.StartsWith("shop.Orders."));
        Assert.That(hints, Has.None.StartsWith("shop.Hidden."));
    }

    [TestCase("Server")]
    [TestCase("server")]
    [TestCase("Both")]
    public void TwirpServices_that_include_the_server_generate_the_server_base_class(string value)
    {
        var sources = Generate(new Dictionary<string, string> { ["TwirpServices"] = value });

        Assert.That(sources.Keys, Does.Contain(ServerFile));
    }

    [Test]
    public void TwirpServices_Client_generates_no_server_base_class()
    {
        var (result, _) = GeneratorHarness.Run(new[] { WithMetadata(new Dictionary<string, string> { ["TwirpServices"] = "Client" }) });

        var hints = result.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.That(hints, Does.Not.Contain(ServerFile));
        Assert.That(hints, Does.Contain(MethodsFile));
    }

    [Test]
    public void TwirpServices_Server_without_Twirp_Runtime_reports_TWIRP052_on_the_file()
    {
        var withoutRuntime = GeneratorHarness.CreateCompilation(references: GeneratorHarness.DefaultReferences
            .Where(r => !Path.GetFileName(r.Display ?? string.Empty).Equals("Twirp.Runtime.dll", StringComparison.OrdinalIgnoreCase)));

        var (result, _) = GeneratorHarness.Run(new[] { WithMetadata(new Dictionary<string, string> { ["TwirpServices"] = "Server" }) }, withoutRuntime);

        var diagnostic = result.Diagnostics.Single();
        Assert.That(diagnostic.Id, Is.EqualTo("TWIRP052"));
        Assert.That(diagnostic.Severity, Is.EqualTo(DiagnosticSeverity.Warning));
        Assert.That(diagnostic.GetMessage(), Does.Contain("Twirp.Runtime"));
        Assert.That(diagnostic.Location.GetLineSpan().Path, Is.EqualTo(TestProtos.Haberdasher.Path));
        Assert.That(result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)), Does.Not.Contain(ServerFile));
    }

    [Test]
    public void Default_TwirpServices_with_neither_runtime_reports_TWIRP052()
    {
        var bare = GeneratorHarness.CreateCompilation(references: GeneratorHarness.DefaultReferences
            .Where(r => !Path.GetFileName(r.Display ?? string.Empty).StartsWith("Twirp.", StringComparison.OrdinalIgnoreCase)));

        var (result, _) = GeneratorHarness.Run(new[] { TestProtos.Haberdasher }, bare);

        Assert.That(result.Diagnostics.Select(d => d.Id), Is.EqualTo(new[] { "TWIRP052" }));
        Assert.That(result.Diagnostics.Single().GetMessage(), Does.Contain("Twirp.Runtime (server) or Twirp.Client (client)"));
    }

    [Test]
    public void An_unknown_TwirpServices_value_reports_TWIRP050_and_generates_both()
    {
        var (result, _) = GeneratorHarness.Run(new[] { WithMetadata(new Dictionary<string, string> { ["TwirpServices"] = "Servr" }) });

        var diagnostic = result.Diagnostics.Single();
        Assert.That(diagnostic.Id, Is.EqualTo("TWIRP050"));
        Assert.That(diagnostic.GetMessage(), Does.Contain("\"Servr\"").And.Contain("haberdasher.proto"));
        Assert.That(result.Results.Single().GeneratedSources.Select(s => s.HintName), Does.Contain(ServerFile));
    }

    [Test]
    public void An_unknown_Access_value_reports_TWIRP051_and_generates_public_classes()
    {
        var (result, _) = GeneratorHarness.Run(new[] { WithMetadata(new Dictionary<string, string> { ["Access"] = "Private" }) });

        Assert.That(result.Diagnostics.Select(d => d.Id), Is.EqualTo(new[] { "TWIRP051" }));
        var methods = result.Results.Single().GeneratedSources.Single(s => s.HintName == MethodsFile).SourceText.ToString();
        Assert.That(methods, Does.Contain("public static partial class HaberdasherTwirp"));
    }

    [Test]
    public void Every_diagnostic_has_a_help_link_into_docs_diagnostics()
    {
        var (result, _) = GeneratorHarness.Run(new[] { WithMetadata(new Dictionary<string, string> { ["TwirpServices"] = "Servr" }) });

        Assert.That(result.Diagnostics.Single().Descriptor.HelpLinkUri, Does.EndWith("docs/diagnostics.md#twirp050"));
    }

    private static readonly string ProjectDir = Path.Combine(Path.GetTempPath(), "app");

    [Test]
    public void ProtoRoot_defaults_to_the_project_directory_for_a_file_inside_it()
    {
        var metadata = Read(Path.Combine(ProjectDir, "Protos", "a.proto"), new Dictionary<string, string>());

        Assert.That(metadata.ProtoRoot, Is.EqualTo(ProjectDir));
    }

    [Test]
    public void ProtoRoot_defaults_to_the_files_directory_for_a_file_outside_the_project()
    {
        var outside = Path.Combine(Path.GetTempPath(), "shared", "protos");
        var metadata = Read(Path.Combine(outside, "a.proto"), new Dictionary<string, string>());

        Assert.That(metadata.ProtoRoot, Is.EqualTo(outside));
    }

    [Test]
    public void ProtoRoot_and_AdditionalImportDirs_are_resolved_against_the_project_directory()
    {
        var metadata = Read(Path.Combine(ProjectDir, "Protos", "v1", "a.proto"), new Dictionary<string, string>
        {
            ["build_metadata.Protobuf.ProtoRoot"] = "Protos/",
            ["build_metadata.Protobuf.AdditionalImportDirs"] = "../shared; vendor/googleapis ;",
        });

        Assert.That(metadata.ProtoRoot, Is.EqualTo(Path.Combine(ProjectDir, "Protos")));
        Assert.That(metadata.AdditionalImportDirs, Is.EqualTo(new[]
        {
            Path.Combine(Path.GetTempPath(), "shared"),
            Path.Combine(ProjectDir, "vendor", "googleapis"),
        }));
    }

    [Test]
    public void Protobuf_ProtoRoot_property_is_the_root_of_files_outside_the_project()
    {
        var outside = Path.Combine(Path.GetTempPath(), "shared", "protos", "v1");
        var metadata = Read(Path.Combine(outside, "a.proto"), new Dictionary<string, string>(),
            new Dictionary<string, string> { ["build_property.Protobuf_ProtoRoot"] = "../shared/protos" });

        Assert.That(metadata.ProtoRoot, Is.EqualTo(Path.Combine(Path.GetTempPath(), "shared", "protos")));
    }

    private static ProtoFileMetadata Read(string path, Dictionary<string, string> fileOptions, Dictionary<string, string>? globalOptions = null)
    {
        var global = new Dictionary<string, string>(globalOptions ?? new Dictionary<string, string>())
        {
            ["build_property.ProjectDir"] = ProjectDir + Path.DirectorySeparatorChar,
        };
        return ProtoFileMetadata.Read(path, new Options(fileOptions), new Options(global));
    }

    private static ProtoSource WithMetadata(Dictionary<string, string>? metadata) =>
        TestProtos.Haberdasher with { Metadata = metadata };

    private static Dictionary<string, string> Generate(Dictionary<string, string>? metadata)
    {
        var (result, _) = GeneratorHarness.Run(new[] { WithMetadata(metadata) });
        Assert.That(result.Diagnostics, Is.Empty);
        return result.Results.Single().GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());
    }

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}
