using System;
using System.Linq;
using NUnit.Framework;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Compiling;

/// <summary>
/// Legal but unusual .proto files never break the build: each one is built like a user's project (protoc
/// writes the messages, warnings are errors) and either compiles without a single C# diagnostic inside
/// the generated files, or stops with TWIRP diagnostics pointing into the .proto.
/// </summary>
public class UnusualProtoTests
{
    private static ProtocProject.Build Compile(string text, string grpcServices = "None") =>
        ProtocProject.Compile(new[] { ("Protos/unusual.proto", text) }, grpcServices);

    private static void AssertGeneratedCodeIsClean(ProtocProject.Build build)
    {
        Assert.That(build.GeneratedCodeDiagnostics.Select(d => d.ToString()), Is.Empty);
        Assert.That(build.RunResult.Results.Single().Exception, Is.Null);
    }

    [TestCase("\r", TestName = "Comment_injection_with_a_lone_CR_is_neutralised")]
    [TestCase("\u0085", TestName = "Comment_injection_with_NEL_is_neutralised")]
    [TestCase("\u2028", TestName = "Comment_injection_with_LINE_SEPARATOR_is_neutralised")]
    [TestCase("\u2029", TestName = "Comment_injection_with_PARAGRAPH_SEPARATOR_is_neutralised")]
    public void Comment_injection_is_neutralised(string terminator)
    {
        var injected = $"first{terminator}}} class Injected {{ }} //";
        var build = Compile($$"""
            syntax = "proto3";
            package inject;
            message R {}
            // Service {{injected}}
            service S {
              // Leading {{injected}}
              rpc M(R) returns (R); // trailing {{injected}}
              rpc N(R) returns (R); // Trailing only {{injected}}
            }
            """);

        Assert.That(build.GeneratorDiagnostics, Is.Empty);
        AssertGeneratedCodeIsClean(build);
        Assert.That(build.Sources.Values, Has.All.Not.Contain(terminator));
        Assert.That(build.Sources["inject.S.TwirpServer.g.cs"], Does.Contain("/// Leading first } class Injected { } //"));
        Assert.That(build.Sources["inject.S.TwirpClient.g.cs"], Does.Contain("/// Trailing only first } class Injected { } //"));
    }

    [Test]
    public void Services_differing_only_in_case_get_distinct_hint_names_and_both_compile()
    {
        var build = Compile("""
            syntax = "proto3";
            package casing;
            message R {}
            service Foo { rpc M(R) returns (R); }
            service foo { rpc M(R) returns (R); }
            """);

        Assert.That(build.GeneratorDiagnostics, Is.Empty);
        AssertGeneratedCodeIsClean(build);
        var methodFiles = build.Sources.Keys.Where(name => name.EndsWith(".Twirp.g.cs", StringComparison.Ordinal)).ToList();
        Assert.That(methodFiles, Has.Count.EqualTo(2));
        Assert.That(methodFiles.Select(name => name.ToUpperInvariant()).Distinct().Count(), Is.EqualTo(2));
        Assert.That(build.Sources.Values, Has.Some.Contain("class FooBase").And.Some.Contain("class fooBase"));
    }

    [Test]
    public void Very_long_package_and_service_names_get_short_hint_names()
    {
        var package = string.Join(".", Enumerable.Range(0, 12).Select(i => "segment_number_" + i + "_of_a_long_package"));
        var service = "S" + new string('x', 500);
        var build = Compile($$"""
            syntax = "proto3";
            package {{package}};
            message R {}
            service {{service}} { rpc M(R) returns (R); }
            service Short { rpc M(R) returns (R); }
            """);

        Assert.That(build.GeneratorDiagnostics, Is.Empty);
        AssertGeneratedCodeIsClean(build);
        Assert.That(build.Sources.Keys, Has.All.Length.LessThanOrEqualTo(100));
        Assert.That(build.Sources.Keys.Select(name => name.Split(".Twirp")[0]).Distinct().Count(), Is.EqualTo(2));
        Assert.That(build.Sources.Values, Has.Some.Contain($"class {service}Base"));
    }

    [Test]
    public void Names_too_long_for_a_CSharp_identifier_are_reported_and_the_rest_is_generated()
    {
        var tooLong = new string('L', 510);
        var build = Compile($$"""
            syntax = "proto3";
            package lengths;
            message R {}
            service {{tooLong}} { rpc M(R) returns (R); }
            service S {
              rpc {{tooLong}}(R) returns (R);
              rpc Fine(R) returns (R);
            }
            """);

        Assert.That(build.GeneratorDiagnostics, Is.EqualTo(new[] { "TWIRP023 unusual.proto(4,9)", "TWIRP023 unusual.proto(6,7)" }));
        AssertGeneratedCodeIsClean(build);
        Assert.That(build.Sources.Keys, Has.All.StartWith("lengths.S."));
        Assert.That(build.Sources["lengths.S.Twirp.g.cs"], Does.Contain(" Fine { get; }").And.Not.Contain(tooLong));
    }

    [Test]
    public void Rpcs_named_like_CSharp_keywords_and_contextual_keywords_compile_and_keep_their_wire_names()
    {
        var names = new[] { "nameof", "__arglist", "__makeref", "__reftype", "__refvalue", "__arglist_", "class", "var", "async", "await", "partial", "record", "value", "global", "dynamic", "yield", "event" };
        var build = Compile($$"""
            syntax = "proto3";
            package keywords;
            message R {}
            service S {
            {{string.Join("\n", names.Select(name => $"  rpc {name}(R) returns (R);"))}}
            }
            """);

        Assert.That(build.GeneratorDiagnostics, Is.Empty);
        AssertGeneratedCodeIsClean(build);
        var methods = build.Sources["keywords.S.Twirp.g.cs"];
        foreach (var name in names)
        {
            Assert.That(methods, Does.Contain($"new(Package, ServiceName, \"{name}\","), name);
        }
        var server = build.Sources["keywords.S.TwirpServer.g.cs"];
        Assert.That(server, Does.Contain(" @nameof(global::Keywords.R request"));
        Assert.That(server, Does.Contain(" __arglist_Method(global::Keywords.R request"), "__arglist_ is another rpc's own name");
        Assert.That(server, Does.Contain(" __makeref_(global::Keywords.R request"));
    }

    [Test]
    public void Rpcs_named_like_generated_members_are_renamed_where_they_would_clash()
    {
        var build = Compile("""
            syntax = "proto3";
            package members;
            message R {}
            service Hat {
              rpc s_twirpDefinition(R) returns (R);
              rpc HatBase(R) returns (R);
              rpc HatTwirp(R) returns (R);
              rpc HatClient(R) returns (R);
            }
            """);

        Assert.That(build.GeneratorDiagnostics, Is.Empty);
        AssertGeneratedCodeIsClean(build);
        var server = build.Sources["members.Hat.TwirpServer.g.cs"];
        Assert.That(server, Does.Contain(" s_twirpDefinition(global::Members.R request"));
        Assert.That(server, Does.Contain("TwirpServiceDefinition s_twirpDefinition_ = new("));
        Assert.That(server, Does.Contain(" HatBaseMethod(global::Members.R request"));
    }

    [TestCase("HatClient", "HatClient")]
    [TestCase("HatTwirp", "HatTwirp")]
    [TestCase("HatBase", "HatBase")]
    public void A_message_named_like_a_generated_class_is_reported_at_the_service(string message, string clash)
    {
        var build = Compile($$"""
            syntax = "proto3";
            package clash;
            message {{message}} {}
            service Hat { rpc M({{message}}) returns ({{message}}); }
            service Other { rpc M({{message}}) returns ({{message}}); }
            """);

        Assert.That(build.GeneratorDiagnostics, Is.EqualTo(new[] { "TWIRP021 unusual.proto(4,9)" }));
        var diagnostic = build.RunResult.Diagnostics.Single();
        Assert.That(diagnostic.GetMessage(), Does.Contain($"'Clash.{clash}'").And.Contain($"message 'clash.{message}'").And.Contain("unusual.proto(3,9)"));
        Assert.That(diagnostic.AdditionalLocations.Single().GetLineSpan().StartLinePosition.Line, Is.EqualTo(2));
        AssertGeneratedCodeIsClean(build);
        Assert.That(build.Sources.Keys, Has.All.StartWith("clash.Other."), "the other service is still generated");
    }

    [Test]
    public void A_message_named_like_a_runtime_type_in_namespace_Twirp_stops_generation_with_a_diagnostic()
    {
        var build = Compile("""
            syntax = "proto3";
            package twirp;
            message TwirpContext {}
            message R {}
            service Hats { rpc M(R) returns (R); }
            """);

        Assert.That(build.GeneratorDiagnostics, Is.EqualTo(new[] { "TWIRP022 unusual.proto(3,9)" }));
        Assert.That(build.RunResult.Diagnostics.Single().GetMessage(), Does.Contain("'Twirp.TwirpContext'"));
        AssertGeneratedCodeIsClean(build);
        Assert.That(build.Sources, Is.Empty);
    }

    [Test]
    public void A_package_less_message_named_Twirp_hides_the_runtime_namespace_and_is_reported()
    {
        var build = Compile("""
            syntax = "proto3";
            message Twirp {}
            service Hats { rpc M(Twirp) returns (Twirp); }
            """);

        Assert.That(build.GeneratorDiagnostics, Is.EqualTo(new[] { "TWIRP022 unusual.proto(2,9)" }));
        AssertGeneratedCodeIsClean(build);
    }

    [Test]
    public void A_service_named_Twirp_in_namespace_Twirp_would_declare_the_runtime_TwirpClient_and_is_reported()
    {
        var build = Compile("""
            syntax = "proto3";
            package twirp;
            message R {}
            service Twirp { rpc M(R) returns (R); }
            service Fine { rpc M(R) returns (R); }
            """);

        Assert.That(build.GeneratorDiagnostics, Is.EqualTo(new[] { "TWIRP021 unusual.proto(4,9)" }));
        Assert.That(build.RunResult.Diagnostics.Single().GetMessage(), Does.Contain("'Twirp.TwirpClient'"));
        AssertGeneratedCodeIsClean(build);
        Assert.That(build.Sources.Keys, Has.All.StartWith("twirp.Fine."));
    }

    [Test]
    public void A_gRPC_class_named_like_a_runtime_type_in_namespace_Twirp_is_reported_when_Grpc_Tools_writes_it()
    {
        const string Proto = """
            syntax = "proto3";
            package twirp;
            message R {}
            service TwirpClient { rpc M(R) returns (R); }
            """;

        var withGrpc = Compile(Proto, grpcServices: "Both");
        var withoutGrpc = Compile(Proto);

        Assert.That(withGrpc.GeneratorDiagnostics, Is.EqualTo(new[] { "TWIRP022 unusual.proto(4,9)" }));
        AssertGeneratedCodeIsClean(withGrpc);
        Assert.That(withoutGrpc.GeneratorDiagnostics, Is.Empty);
        AssertGeneratedCodeIsClean(withoutGrpc);
    }

    [TestCase("foo_bar", "fooBar", null, TestName = "Packages_that_PascalCase_to_one_namespace_report_both_proto_locations")]
    [TestCase("one", "two", "Shared.Api", TestName = "Files_sharing_a_csharp_namespace_report_both_proto_locations")]
    public void Two_services_landing_on_one_CSharp_name_are_reported_with_both_locations(string firstPackage, string secondPackage, string? csharpNamespace)
    {
        var option = csharpNamespace is null ? string.Empty : $"option csharp_namespace = \"{csharpNamespace}\";\n";
        var build = ProtocProject.Compile(new[]
        {
            ("Protos/first.proto", $"syntax = \"proto3\";\npackage {firstPackage};\n{option}message A {{}}\nservice Svc {{ rpc M(A) returns (A); }}\n"),
            ("Protos/second.proto", $"syntax = \"proto3\";\npackage {secondPackage};\n{option}message B {{}}\nservice Svc {{ rpc M(B) returns (B); }}\n"),
        });

        var line = csharpNamespace is null ? 4 : 5;
        Assert.That(build.GeneratorDiagnostics, Is.EqualTo(new[] { $"TWIRP021 second.proto({line},9)" }));
        var diagnostic = build.RunResult.Diagnostics.Single();
        Assert.That(diagnostic.GetMessage(), Does.Contain($"service '{firstPackage}.Svc' of 'Protos/first.proto'").And.Contain($"first.proto({line},9)"));
        Assert.That(diagnostic.AdditionalLocations.Single().GetLineSpan().Path, Does.EndWith("first.proto"));
        AssertGeneratedCodeIsClean(build);
    }

    [Test]
    public void With_gRPC_classes_a_service_named_like_another_services_client_is_reported()
    {
        var build = Compile("""
            syntax = "proto3";
            package hat;
            message R {}
            service Hat { rpc M(R) returns (R); }
            service HatClient { rpc M(R) returns (R); }
            """, grpcServices: "Both");

        Assert.That(build.GeneratorDiagnostics, Is.EqualTo(new[] { "TWIRP021 unusual.proto(4,9)" }));
        Assert.That(build.RunResult.Diagnostics.Single().GetMessage(), Does.Contain("the gRPC class Grpc.Tools writes for service 'hat.HatClient'"));
        AssertGeneratedCodeIsClean(build);
        Assert.That(build.Sources.Keys, Has.All.StartWith("hat.HatClient."));
    }

    [Test]
    public void A_namespace_named_like_a_generated_class_is_reported()
    {
        var build = ProtocProject.Compile(new[]
        {
            ("Protos/hat.proto", "syntax = \"proto3\";\npackage hat;\nmessage R {}\nservice Hat { rpc M(R) returns (R); }\n"),
            ("Protos/base.proto", "syntax = \"proto3\";\npackage hat.hat_base;\nmessage Part {}\n"),
        });

        Assert.That(build.GeneratorDiagnostics, Is.EqualTo(new[] { "TWIRP021 hat.proto(4,9)" }));
        Assert.That(build.RunResult.Diagnostics.Single().GetMessage(), Does.Contain("namespace 'Hat.HatBase' of 'Protos/base.proto'"));
        AssertGeneratedCodeIsClean(build);
    }

    [Test]
    public void Deprecated_request_and_response_messages_do_not_make_generated_code_warn()
    {
        var build = Compile("""
            syntax = "proto3";
            package old;
            message OldRequest { option deprecated = true; }
            message OldResponse { option deprecated = true; }
            service S {
              rpc M(OldRequest) returns (OldResponse);
              rpc Gone(OldRequest) returns (OldResponse) { option deprecated = true; }
            }
            service D { option deprecated = true; rpc M(OldRequest) returns (OldResponse); }
            """);

        Assert.That(build.GeneratorDiagnostics, Is.Empty);
        AssertGeneratedCodeIsClean(build);
        Assert.That(build.Sources, Has.Count.EqualTo(6));
    }

    [Test]
    public void A_map_entry_used_as_an_rpc_type_is_reported_and_the_other_methods_are_generated()
    {
        var build = Compile("""
            syntax = "proto3";
            package maps;
            message Bar { map<string, string> labels = 1; }
            service S {
              rpc Entry(Bar.LabelsEntry) returns (Bar);
              rpc Fine(Bar) returns (Bar);
            }
            """);

        Assert.That(build.GeneratorDiagnostics, Is.EqualTo(new[] { "TWIRP020 unusual.proto(5,13)" }));
        AssertGeneratedCodeIsClean(build);
        Assert.That(build.Sources["maps.S.Twirp.g.cs"], Does.Contain(" Fine { get; }").And.Not.Contain(" Entry { get; }"));
    }

    [Test]
    public void File_headers_name_the_proto_relative_to_the_ProtoRoot_never_by_absolute_path()
    {
        var build = Compile("syntax = \"proto3\";\npackage header;\nmessage R {}\nservice S { rpc M(R) returns (R); }\n");

        Assert.That(build.Sources.Values, Has.All.Contain("// Generated by Twirp.SourceGen from Protos/unusual.proto. Do not edit."));
        Assert.That(build.Sources.Values, Has.None.Contain(System.IO.Path.GetTempPath().TrimEnd('/', '\\')));
    }
}
