using System.Linq;
using NUnit.Framework;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Parsing;

namespace Twirp.SourceGen.Tests.Parsing;

public class ProtoParserTests
{
    private static ProtoFileModel Parse(string text) => ProtoParser.Parse("test.proto", text, CommentRetention.All);

    private static ProtoFileModel ParseClean(string text)
    {
        var file = Parse(text);
        Assert.That(file.Diagnostics.Select(d => d.ToDiagnostic().ToString()), Is.Empty);
        return file;
    }

    [Test]
    public void Reads_syntax_edition_package_and_every_import_kind()
    {
        var file = ParseClean("""
            syntax = "proto2";
            package a.b_c.d;
            import "x.proto";
            import public "y.proto";
            import weak "z.proto";
            """);

        Assert.That(file.Syntax, Is.EqualTo(ProtoSyntax.Proto2));
        Assert.That(file.Package, Is.EqualTo("a.b_c.d"));
        Assert.That(file.Imports.Select(i => (i.Path, i.Kind)), Is.EqualTo(new[]
        {
            ("x.proto", ImportKind.Default), ("y.proto", ImportKind.Public), ("z.proto", ImportKind.Weak),
        }));

        var editions = ParseClean("edition = \"2023\";\npackage p;");
        Assert.That((editions.Syntax, editions.Edition), Is.EqualTo((ProtoSyntax.Editions, "2023")));
        Assert.That(ParseClean("package p;").Syntax, Is.EqualTo(ProtoSyntax.Proto2), "no syntax statement means proto2, as for protoc");
    }

    [Test]
    public void Dotted_names_split_by_whitespace_or_comments_read_as_their_joined_parts()
    {
        var file = ParseClean("""
            package a . b /* c */ .c;
            message M {
              . a.b . /* x */ c.T field = 1 [ ( a . opt ) . sub = 1, (.a.opt).other = 2 ];
              a.b.c.T plain = 2;
              option (a .opt) . sub = 3;
            }
            """);

        Assert.That(file.Package, Is.EqualTo("a.b.c"));
        var fields = file.Messages[0].Fields;
        Assert.That(fields.Select(f => f.TypeName), Is.EqualTo(new[] { ".a.b.c.T", "a.b.c.T" }));
        Assert.That(fields[0].Options.Select(o => o.Name), Is.EqualTo(new[] { "(a.opt).sub", "(.a.opt).other" }));
        Assert.That(file.Messages[0].Options.Select(o => o.Name), Is.EqualTo(new[] { "(a.opt).sub" }));
    }

    [Test]
    public void Option_values_keep_every_literal_form()
    {
        var file = ParseClean("""
            option a = 0x1F;
            option b = 017;
            option c = -42;
            option d = 1.5e-3;
            option e = .5;
            option f = inf;
            option g = -nan;
            option h = "con" 'cat' "enated";
            option i = "\t\"q\" \101\x42 \u00e9 \U0001F600 \\";
            option j = true;
            option (my.ext).field.(other.ext) = SOME_ENUM;
            option (.fully.qualified) = { a: 1 b: [1, 2] c { d: "}" } };
            option k = 18446744073709551615;
            """);

        var values = file.Options.ToDictionary(o => o.Name, o => (o.Kind, o.Value));
        Assert.That(values["a"], Is.EqualTo((OptionValueKind.Integer, "31")));
        Assert.That(values["b"], Is.EqualTo((OptionValueKind.Integer, "15")));
        Assert.That(values["c"], Is.EqualTo((OptionValueKind.Integer, "-42")));
        Assert.That(values["d"], Is.EqualTo((OptionValueKind.Float, "1.5e-3")));
        Assert.That(values["e"], Is.EqualTo((OptionValueKind.Float, ".5")));
        Assert.That(values["f"], Is.EqualTo((OptionValueKind.Identifier, "inf")));
        Assert.That(values["g"], Is.EqualTo((OptionValueKind.Identifier, "-nan")));
        Assert.That(values["h"], Is.EqualTo((OptionValueKind.String, "concatenated")));
        Assert.That(values["i"], Is.EqualTo((OptionValueKind.String, "\t\"q\" AB \u00e9 \U0001F600 \\")));
        Assert.That(values["j"], Is.EqualTo((OptionValueKind.Identifier, "true")));
        Assert.That(values["(my.ext).field.(other.ext)"], Is.EqualTo((OptionValueKind.Identifier, "SOME_ENUM")));
        Assert.That(values["(.fully.qualified)"], Is.EqualTo((OptionValueKind.Aggregate, "a: 1 b: [1, 2] c { d: \"}\" }")));
        Assert.That(values["k"], Is.EqualTo((OptionValueKind.Integer, "18446744073709551615")));
    }

    [Test]
    public void Messages_hold_fields_oneofs_groups_maps_ranges_and_nested_types()
    {
        var file = ParseClean("""
            syntax = "proto2";
            message Outer {
              required int32 id = 1 [default = 5, json_name = "ID"];
              optional .pkg.Other other = 2;
              repeated group Item = 3 { optional string name = 4; }
              map<string, Outer.Inner> by_name = 5;
              oneof choice { string text = 6; Inner inner = 7; }
              message Inner { enum Kind { A = 0; B = -1 [deprecated = true]; } }
              extensions 100 to 199, 1000 to max;
              reserved 8, 10 to 12;
              reserved "gone", "old";
              extend Other { optional int32 ext = 100; }
              ;
            }
            """);

        var outer = file.Messages.Single();
        Assert.That(outer.Fields.Select(f => (f.Name, f.Number, f.Label, f.Kind, f.TypeName, f.OneofIndex)), Is.EqualTo(new[]
        {
            ("id", 1, FieldLabel.Required, FieldKind.Scalar, "int32", -1),
            ("other", 2, FieldLabel.Optional, FieldKind.Named, ".pkg.Other", -1),
            ("item", 3, FieldLabel.Repeated, FieldKind.Group, "Item", -1),
            ("by_name", 5, FieldLabel.Repeated, FieldKind.Map, "ByNameEntry", -1),
            ("text", 6, FieldLabel.None, FieldKind.Scalar, "string", 0),
            ("inner", 7, FieldLabel.None, FieldKind.Named, "Inner", 0),
        }));
        Assert.That(outer.Fields[0].Options.Select(o => o.Name + "=" + o.Value), Is.EqualTo(new[] { "default=5", "json_name=ID" }));
        Assert.That(outer.Messages.Select(m => (m.Name, m.Kind)), Is.EqualTo(new[]
        {
            ("Item", ProtoMessageKind.Group), ("ByNameEntry", ProtoMessageKind.MapEntry), ("Inner", ProtoMessageKind.Message),
        }), "groups and map entries become nested messages in declaration order, as in protoc's descriptors");
        var entry = outer.Messages[1];
        Assert.That(entry.Fields.Select(f => (f.Name, f.Number, f.TypeName)), Is.EqualTo(new[] { ("key", 1, "string"), ("value", 2, "Outer.Inner") }));
        Assert.That(outer.Oneofs.Single().Name, Is.EqualTo("choice"));
        Assert.That(outer.Messages[2].Enums.Single().Values.Select(v => (v.Name, v.Number)), Is.EqualTo(new[] { ("A", 0), ("B", -1) }));
        Assert.That(outer.ExtensionRanges, Is.EqualTo(new[] { new ProtoRange(100, 199), new ProtoRange(1000, ProtoLimits.MaxFieldNumber) }));
        Assert.That(outer.ReservedRanges, Is.EqualTo(new[] { new ProtoRange(8, 8), new ProtoRange(10, 12) }));
        Assert.That(outer.ReservedNames, Is.EqualTo(new[] { "gone", "old" }));
        Assert.That(outer.Extends.Single().Extendee, Is.EqualTo("Other"));
    }

    [TestCase("rpc M(A) returns (B);", false, false)]
    [TestCase("rpc M(stream A) returns (B);", true, false)]
    [TestCase("rpc M(A) returns (stream B);", false, true)]
    [TestCase("rpc M(stream A) returns (stream B) {}", true, true)]
    public void Methods_record_streaming_on_either_side(string rpc, bool clientStreaming, bool serverStreaming)
    {
        var method = ParseClean("service S { " + rpc + " }").Services.Single().Methods.Single();

        Assert.That((method.ClientStreaming, method.ServerStreaming), Is.EqualTo((clientStreaming, serverStreaming)));
    }

    [Test]
    public void Service_and_method_options_and_deprecation_are_read()
    {
        var service = ParseClean("""
            service S {
              option deprecated = true;
              rpc A(X) returns (Y) { option deprecated = true; option (google.api.http) = { get: "/v1/a" }; };
              rpc B(X) returns (Y) { option deprecated = false; }
            }
            """).Services.Single();

        Assert.That(service.IsDeprecated, Is.True);
        Assert.That(service.Methods.Select(m => m.IsDeprecated), Is.EqualTo(new[] { true, false }));
        Assert.That(service.Methods[0].Options[1].Name, Is.EqualTo("(google.api.http)"));
    }

    [Test]
    public void Idempotency_level_is_read_per_method_and_the_last_option_wins()
    {
        var service = ParseClean("""
            service S {
              rpc Get(X) returns (Y) { option idempotency_level = NO_SIDE_EFFECTS; }
              rpc Put(X) returns (Y) { option idempotency_level = IDEMPOTENT; }
              rpc Post(X) returns (Y);
              rpc Unknown(X) returns (Y) { option idempotency_level = IDEMPOTENCY_UNKNOWN; }
              rpc Changed(X) returns (Y) { option idempotency_level = NO_SIDE_EFFECTS; option idempotency_level = IDEMPOTENT; }
            }
            """).Services.Single();

        Assert.That(service.Methods.Select(m => m.Idempotency), Is.EqualTo(new[]
        {
            MethodIdempotency.NoSideEffects, MethodIdempotency.Idempotent, MethodIdempotency.Unknown,
            MethodIdempotency.Unknown, MethodIdempotency.Idempotent,
        }));
    }

    [Test]
    public void Comments_attach_like_protocs_source_code_info()
    {
        var service = ParseClean("""
            // detached

            // Leading of S.
            service S { // trailing of S
              /* Leading of A,
               * a block. */
              rpc A(X) returns (Y); // trailing of A

              // leading of B
              rpc B(X) returns (Y) {
              }
            }
            """).Services.Single();

        Assert.That(service.Comments, Is.EqualTo(new ProtoComments(" Leading of S.\n", " trailing of S\n", new[] { " detached\n" }.ToEquatableArray())));
        Assert.That(service.Methods[0].Comments.Leading, Is.EqualTo(" Leading of A,\n a block. "));
        Assert.That(service.Methods[0].Comments.Trailing, Is.EqualTo(" trailing of A\n"));
        Assert.That(service.Methods[1].Comments.Leading, Is.EqualTo(" leading of B\n"));
    }

    [Test]
    public void Edition_2024_visibility_keywords_are_accepted()
    {
        var file = ParseClean("edition = \"2024\";\nexport message A {}\nlocal enum E { X = 0; }\nmessage B { local message C {} }");

        Assert.That(file.Messages.Select(m => m.Name), Is.EqualTo(new[] { "A", "B" }));
        Assert.That(file.Enums.Single().Name, Is.EqualTo("E"));
        Assert.That(file.Messages[1].Messages.Single().Name, Is.EqualTo("C"));
    }

    [Test]
    public void Keywords_are_contextual_as_in_protoc()
    {
        var message = ParseClean("""
            message M {
              optional string message = 1;
              string syntax = 2;
              map map = 3;
              stream service = 4;
            }
            """).Messages.Single();

        Assert.That(message.Fields.Select(f => (f.Name, f.TypeName)), Is.EqualTo(new[]
        {
            ("message", "string"), ("syntax", "string"), ("map", "map"), ("service", "stream"),
        }));
    }
}
