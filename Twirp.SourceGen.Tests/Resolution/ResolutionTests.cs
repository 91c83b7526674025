using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using NUnit.Framework;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Resolution;

/// <summary>Imports, type scoping and protoc's C# names, through the generator as a build runs it.</summary>
public class ResolutionTests
{
    private static readonly Dictionary<string, string> ProjectOptions = new()
    {
        ["build_property.TwirpVerifyMessageTypes"] = "false",
        ["build_property.ProjectDir"] = "/src/app/",
    };

    private static GeneratorDriverRunResult Run(params ProtoSource[] protos) =>
        GeneratorHarness.Run(protos, globalOptions: ProjectOptions).Result;

    private static string Generated(GeneratorDriverRunResult result, string hintNameEnd) =>
        result.Results.Single().GeneratedSources.Single(s => s.HintName.EndsWith(hintNameEnd, System.StringComparison.Ordinal)).SourceText.ToString();

    private static string[] Diagnostics(GeneratorDriverRunResult result) =>
        result.Diagnostics.Select(d => $"{d.Id} {System.IO.Path.GetFileName(d.Location.GetLineSpan().Path)}({d.Location.GetLineSpan().StartLinePosition.Line + 1},{d.Location.GetLineSpan().StartLinePosition.Character + 1}): {d.GetMessage()}").ToArray();

    [Test]
    public void Imports_resolve_against_the_project_directory_and_well_known_types_are_built_in()
    {
        var result = Run(
            new ProtoSource("/src/app/Protos/shop/v1/shop.proto", """
                syntax = "proto3";
                package shop.v1;
                import "Protos/shop/v1/types.proto";
                import "google/protobuf/empty.proto";
                import "google/protobuf/timestamp.proto";
                service Shop {
                  rpc Buy(Item) returns (google.protobuf.Empty);
                  rpc Now(.google.protobuf.Empty) returns (google.protobuf.Timestamp);
                }
                """),
            new ProtoSource("/src/app/Protos/shop/v1/types.proto", "syntax = \"proto3\";\npackage shop.v1;\nmessage Item { string sku = 1; }"));

        Assert.That(Diagnostics(result), Is.Empty);
        var methods = Generated(result, "shop.v1.Shop.Twirp.g.cs");
        Assert.That(methods, Does.Contain("TwirpMethod<global::Shop.V1.Item, global::Google.Protobuf.WellKnownTypes.Empty> Buy"));
        Assert.That(methods, Does.Contain("TwirpMethod<global::Google.Protobuf.WellKnownTypes.Empty, global::Google.Protobuf.WellKnownTypes.Timestamp> Now"));
    }

    [Test]
    public void ProtoRoot_and_AdditionalImportDirs_metadata_are_search_paths()
    {
        var result = Run(
            new ProtoSource("/src/app/Protos/api.proto", """
                syntax = "proto3";
                import "common/money.proto";
                import "vendor/thing.proto";
                service Api { rpc Pay(money.Money) returns (vendor.Thing); }
                """, new Dictionary<string, string> { ["ProtoRoot"] = "Protos", ["AdditionalImportDirs"] = "../shared;../third_party" }),
            new ProtoSource("/src/app/Protos/common/money.proto", "syntax = \"proto3\";\npackage money;\nmessage Money { int64 units = 1; }",
                new Dictionary<string, string> { ["ProtoRoot"] = "Protos" }),
            new ProtoSource("/src/third_party/vendor/thing.proto", "syntax = \"proto3\";\npackage vendor;\nmessage Thing {}"));

        Assert.That(Diagnostics(result), Is.Empty);
        Assert.That(Generated(result, "Api.Twirp.g.cs"), Does.Contain("TwirpMethod<global::Money.Money, global::Vendor.Thing> Pay"));
    }

    [Test]
    public void A_missing_import_is_a_warning_at_the_import_and_its_types_are_unknown()
    {
        var result = Run(new ProtoSource("/src/app/a.proto", """
            syntax = "proto3";
            import "google/api/annotations.proto";
            import "missing/types.proto";
            message Ok {}
            service S {
              rpc Fine(Ok) returns (Ok);
              rpc Broken(missing.Thing) returns (Ok);
            }
            """));

        Assert.That(Diagnostics(result), Is.EqualTo(new[]
        {
            "TWIRP004 a.proto(2,8): Import 'google/api/annotations.proto' of 'a.proto' is not an AdditionalFiles item under its ProtoRoot or AdditionalImportDirs, nor a well-known type; add it as an AdditionalFiles item so the types it defines resolve",
            "TWIRP004 a.proto(3,8): Import 'missing/types.proto' of 'a.proto' is not an AdditionalFiles item under its ProtoRoot or AdditionalImportDirs, nor a well-known type; add it as an AdditionalFiles item so the types it defines resolve",
            "TWIRP002 a.proto(7,14): Type 'missing.Thing' used by method 'Broken' is not defined in this file or its imports; define it or import the file that does",
        }));
        Assert.That(Generated(result, "S.Twirp.g.cs"), Does.Contain(" Fine ").And.Not.Contain("Broken"));
    }

    [Test]
    public void Types_are_visible_through_import_public_but_not_through_plain_transitive_imports()
    {
        var result = Run(
            new ProtoSource("/src/app/service.proto", """
                syntax = "proto3";
                import "facade.proto";
                service S {
                  rpc ViaPublic(p.Public) returns (p.Public);
                  rpc ViaPrivate(p.Private) returns (p.Public);
                }
                """),
            new ProtoSource("/src/app/facade.proto", "syntax = \"proto3\";\nimport public \"public.proto\";\nimport \"private.proto\";"),
            new ProtoSource("/src/app/public.proto", "syntax = \"proto3\";\npackage p;\nmessage Public {}"),
            new ProtoSource("/src/app/private.proto", "syntax = \"proto3\";\npackage p;\nmessage Private {}"));

        Assert.That(Diagnostics(result), Is.EqualTo(new[]
        {
            "TWIRP006 service.proto(5,18): Type 'p.Private' used by method 'ViaPrivate' is defined in 'private.proto', which this file does not import; add import \"private.proto\";",
        }));
        Assert.That(Generated(result, "S.Twirp.g.cs"), Does.Contain(" ViaPublic "));
    }

    [Test]
    public void Relative_names_are_searched_from_the_innermost_scope_outwards()
    {
        var result = Run(new ProtoSource("/src/app/scopes.proto", """
            syntax = "proto3";
            package a.b;
            message M {}
            message Outer { message M {} message Inner {} }
            service S {
              rpc Local(M) returns (Outer.M);
              rpc Qualified(.a.b.Outer.Inner) returns (b.M);
              rpc Shadowed(a.b.M) returns (M);
            }
            """));

        Assert.That(Diagnostics(result), Is.Empty);
        var methods = Generated(result, "S.Twirp.g.cs");
        Assert.That(methods, Does.Contain("TwirpMethod<global::A.B.M, global::A.B.Outer.Types.M> Local"));
        Assert.That(methods, Does.Contain("TwirpMethod<global::A.B.Outer.Types.Inner, global::A.B.M> Qualified"));
        Assert.That(methods, Does.Contain("TwirpMethod<global::A.B.M, global::A.B.M> Shadowed"));
    }

    [Test]
    public void Once_the_first_part_of_a_name_is_found_the_rest_must_be_inside_it_as_in_protoc()
    {
        // 'b.M' from package a.b.b: the first part 'b' is found as package a.b.b, which has no M, and
        // protoc does not go on to look for a.b.M.
        var result = Run(new ProtoSource("/src/app/inner.proto", """
            syntax = "proto3";
            package a.b.b;
            message Other {}
            service S { rpc X(b.M) returns (Other); }
            """), new ProtoSource("/src/app/outer.proto", "syntax = \"proto3\";\npackage a.b;\nmessage M {}"));

        Assert.That(Diagnostics(result).Single(), Does.StartWith("TWIRP002 inner.proto(4,19): Type 'b.M'"));
    }

    [TestCase("foo_bar.baz_qux.v1p2", null, "global::FooBar.BazQux.V1P2.Req")]
    [TestCase("google.cloud.speech.v1", null, "global::Google.Cloud.Speech.V1.Req")]
    [TestCase("x.y", "\"My.Company.Api\"", "global::My.Company.Api.Req")]
    [TestCase("x.y", "\"\"", "global::Req")]
    [TestCase("", null, "global::Req")]
    public void CSharp_names_follow_protocs_namespace_rules(string package, string? csharpNamespace, string expected)
    {
        var text = "syntax = \"proto3\";\n"
            + (package.Length > 0 ? $"package {package};\n" : string.Empty)
            + (csharpNamespace is null ? string.Empty : $"option csharp_namespace = {csharpNamespace};\n")
            + "message Req {}\nservice S { rpc M(Req) returns (Req); }";

        var result = Run(new ProtoSource("/src/app/n.proto", text));

        Assert.That(Diagnostics(result), Is.Empty);
        Assert.That(Generated(result, "S.Twirp.g.cs"), Does.Contain($"TwirpMethod<{expected}, {expected}> M "));
    }

    [Test]
    public void Rpc_names_that_are_CSharp_keywords_are_escaped()
    {
        var result = Run(new ProtoSource("/src/app/k.proto", "syntax = \"proto3\";\nmessage R {}\nservice S { rpc event(R) returns (R); rpc Event(R) returns (R); }"));

        var methods = Generated(result, "S.Twirp.g.cs");
        Assert.That(methods, Does.Contain("> @event { get; }"));
        Assert.That(methods, Does.Contain("> Event { get; }"));
        Assert.That(methods, Does.Contain("\"event\""), "the wire name stays the rpc name");
    }

    [Test]
    public void Streaming_rpcs_are_skipped_with_a_warning_and_the_rest_of_the_service_is_generated()
    {
        var result = Run(new ProtoSource("/src/app/s.proto", """
            syntax = "proto3";
            message R {}
            service S {
              rpc Unary(R) returns (R);
              rpc Up(stream R) returns (R);
              rpc Down(R) returns (stream R);
            }
            """));

        Assert.That(Diagnostics(result), Is.EqualTo(new[]
        {
            "TWIRP003 s.proto(5,7): Method 'Up' streams; Twirp has no streaming, so it is skipped and the rest of service 'S' is generated",
            "TWIRP003 s.proto(6,7): Method 'Down' streams; Twirp has no streaming, so it is skipped and the rest of service 'S' is generated",
        }));
        Assert.That(result.Diagnostics.All(d => d.Severity == DiagnosticSeverity.Warning));
        Assert.That(Generated(result, "S.Twirp.g.cs"), Does.Contain(" Unary ").And.Not.Contain(" Up ").And.Not.Contain(" Down "));
    }

    [Test]
    public void A_file_without_services_emits_nothing_and_reports_nothing()
    {
        var result = Run(new ProtoSource("/src/app/m.proto", "syntax = \"proto3\";\nmessage OnlyMessages { int32 a = 1; }\nenum E { E_ZERO = 0; }"));

        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.Results.Single().GeneratedSources, Is.Empty);
    }

    [Test]
    public void Duplicate_declarations_and_rpcs_are_reported_and_a_service_is_emitted_once_while_enum_values_are_left_to_protoc()
    {
        var result = Run(
            new ProtoSource("/src/app/one.proto", """
                syntax = "proto3";
                package p;
                message R {}
                message R {}
                enum A { UNKNOWN = 0; }
                enum B { UNKNOWN = 0; }
                service S { rpc M(R) returns (R); rpc M(R) returns (R); }
                """),
            new ProtoSource("/src/app/two.proto", "syntax = \"proto3\";\npackage p;\nmessage Q {}\nservice S { rpc N(Q) returns (Q); }"));

        Assert.That(Diagnostics(result), Is.EquivalentTo(new[]
        {
            "TWIRP005 one.proto(4,9): 'p.R' is already defined in this file; rename one of them",
            "TWIRP005 one.proto(7,39): 'p.S.M' is already defined in service 'S'; rename one of them",
            "TWIRP005 two.proto(4,9): 'p.S' is already defined in 'one.proto'; rename one of them",
        }));
        Assert.That(result.Results.Single().GeneratedSources.Count(s => s.HintName == "p.S.Twirp.g.cs"), Is.EqualTo(1));
    }

    [Test]
    public void A_file_listed_twice_under_two_spellings_is_one_file()
    {
        const string Text = "syntax = \"proto3\";\npackage twice;\nmessage R {}\nservice S { rpc M(R) returns (R); }";

        var result = Run(new ProtoSource("/src/app/Protos/twice.proto", Text), new ProtoSource("/src/app/Protos/./twice.proto", Text));

        Assert.That(Diagnostics(result), Is.Empty);
        Assert.That(result.Results.Single().GeneratedSources.Count(s => s.HintName == "twice.S.Twirp.g.cs"), Is.EqualTo(1));
    }

    [Test]
    public void An_enum_used_as_an_rpc_type_is_reported()
    {
        var result = Run(new ProtoSource("/src/app/e.proto", "syntax = \"proto3\";\nenum E { Z = 0; }\nmessage R {}\nservice S { rpc M(E) returns (R); }"));

        Assert.That(Diagnostics(result), Is.EqualTo(new[]
        {
            "TWIRP007 e.proto(4,19): 'E' used by method 'M' is an enum, not a message; rpc requests and responses must be messages",
        }));
    }

    [Test]
    public void Import_cycles_are_reported_at_the_import_that_closes_them()
    {
        var result = Run(
            new ProtoSource("/src/app/a.proto", "syntax = \"proto3\";\nimport \"b.proto\";\nmessage A {}"),
            new ProtoSource("/src/app/b.proto", "syntax = \"proto3\";\nimport \"a.proto\";\nmessage B {}"));

        Assert.That(Diagnostics(result), Has.Length.EqualTo(1));
        Assert.That(Diagnostics(result)[0], Does.StartWith("TWIRP008 b.proto(2,8): 'b.proto' imports 'a.proto'"));
    }

    [Test]
    public void Doc_comments_come_from_leading_else_trailing_comments()
    {
        var result = Run(new ProtoSource("/src/app/d.proto", """
            syntax = "proto3";
            message R {}
            // Serves things.
            //
            //
            // Really.
            service S {
              rpc A(R) returns (R); // Trailing only: <b>bold</b> & co.
            }
            """));

        var server = Generated(result, "S.TwirpServer.g.cs");
        Assert.That(server, Does.Contain("/// Serves things.\n///\n/// Really.\n"));
        Assert.That(server, Does.Contain("/// Trailing only: &lt;b&gt;bold&lt;/b&gt; &amp; co."));
    }
}
