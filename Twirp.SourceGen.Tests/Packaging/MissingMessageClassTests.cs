using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Packaging;

/// <summary>
/// TWIRP053: when the message classes a service needs are not in the compilation (no Grpc.Tools,
/// <c>ProtoCompile="false"</c>), the user gets one error per rpc instead of a wall of CS0246.
/// </summary>
public class MissingMessageClassTests
{
    private static readonly Dictionary<string, string> VerifyOn = new() { ["build_property.TwirpVerifyMessageTypes"] = "true" };

    private static IEnumerable<MetadataReference> WithGrpcToolsMessages =>
        GeneratorHarness.DefaultReferences.Append(MetadataReference.CreateFromFile(typeof(Twirp.Example.Haberdasher.Hat).Assembly.Location));

    [Test]
    public void Missing_message_classes_report_TWIRP053_on_the_rpc_and_skip_the_service()
    {
        var (result, output) = GeneratorHarness.Run(new[] { TestProtos.Haberdasher }, globalOptions: VerifyOn);

        Assert.That(result.GeneratedTrees, Is.Empty);
        Assert.That(result.Diagnostics.Select(d => d.Id), Is.EqualTo(new[] { "TWIRP053", "TWIRP053" }));
        var size = result.Diagnostics[0];
        Assert.That(size.Severity, Is.EqualTo(DiagnosticSeverity.Error));
        Assert.That(size.GetMessage(), Does.Contain("'MakeHat'").And.Contain("'Twirp.Example.Haberdasher.Size'").And.Contain("Grpc.Tools"));
        Assert.That(result.Diagnostics[1].GetMessage(), Does.Contain("'Twirp.Example.Haberdasher.Hat'"));
        var span = size.Location.GetLineSpan();
        Assert.That(span.Path, Is.EqualTo(TestProtos.Haberdasher.Path));
        Assert.That(span.StartLinePosition.Line + 1, Is.EqualTo(LineOf(TestProtos.Haberdasher.Text, "rpc MakeHat")));
        Assert.That(output.GetDiagnostics().Where(d => d.Id == "CS0246"), Is.Empty);
    }

    [Test]
    public void Present_message_classes_report_nothing_and_generate_the_service()
    {
        var compilation = GeneratorHarness.CreateCompilation(references: WithGrpcToolsMessages);

        var (result, _) = GeneratorHarness.Run(new[] { TestProtos.Haberdasher }, compilation, VerifyOn);

        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.GeneratedTrees, Is.Not.Empty);
    }

    [Test]
    public void Message_classes_nested_in_Types_classes_are_found()
    {
        var proto = new ProtoSource("Protos/nested.proto", """
            syntax = "proto3";
            package shop;
            message Outer { message Inner { string id = 1; } }
            service Nested { rpc Get(Outer.Inner) returns (Outer); }
            """);
        var messages = """
            namespace Shop
            {
                public sealed partial class Outer { public static partial class Types { public sealed partial class Inner { } } }
            }
            """;
        var compilation = GeneratorHarness.CreateCompilation(new[] { messages });

        var (result, _) = GeneratorHarness.Run(new[] { proto }, compilation, VerifyOn);

        Assert.That(result.Diagnostics.Where(d => d.Id == "TWIRP053"), Is.Empty);
        Assert.That(result.GeneratedTrees, Is.Not.Empty);
    }

    [Test]
    public void Only_the_service_with_missing_messages_is_skipped()
    {
        var other = new ProtoSource("Protos/other.proto", """
            syntax = "proto3";
            package other;
            message Ping { }
            service Pinger { rpc Ping(Ping) returns (Ping); }
            """);
        var compilation = GeneratorHarness.CreateCompilation(references: WithGrpcToolsMessages);

        var (result, _) = GeneratorHarness.Run(new[] { TestProtos.Haberdasher, other }, compilation, VerifyOn);

        Assert.That(result.Diagnostics.Select(d => d.Id), Is.EqualTo(new[] { "TWIRP053" }));
        var hints = result.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.That(hints, Has.Some.StartsWith("twirp.example.haberdasher.Haberdasher."));
        Assert.That(hints, Has.None.StartsWith("other.Pinger."));
    }

    [Test]
    public void TwirpVerifyMessageTypes_false_turns_the_check_off()
    {
        var (result, _) = GeneratorHarness.Run(new[] { TestProtos.Haberdasher },
            globalOptions: new Dictionary<string, string> { ["build_property.TwirpVerifyMessageTypes"] = "False" });

        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.GeneratedTrees, Is.Not.Empty);
    }

    [Test]
    public void An_unrelated_edit_leaves_the_emitted_services_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation(references: WithGrpcToolsMessages);
        var driver = GeneratorHarness.CreateDriver(new[] { TestProtos.Haberdasher }, globalOptions: VerifyOn).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }", GeneratorHarness.ParseOptions));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var reasons = second.TrackedSteps[StepNames.EmittedServices].SelectMany(step => step.Outputs).Select(o => o.Reason).ToList();
        Assert.That(reasons, Is.Not.Empty);
        Assert.That(reasons, Is.All.EqualTo(IncrementalStepRunReason.Cached).Or.EqualTo(IncrementalStepRunReason.Unchanged));
        var missing = second.TrackedSteps[StepNames.MissingMessages].SelectMany(step => step.Outputs).Select(o => o.Reason);
        Assert.That(missing, Is.All.EqualTo(IncrementalStepRunReason.Unchanged).Or.EqualTo(IncrementalStepRunReason.Cached));
    }

    private static int LineOf(string text, string needle) =>
        text.Replace("\r\n", "\n").Split('\n').ToList().FindIndex(line => line.Contains(needle)) + 1;
}
