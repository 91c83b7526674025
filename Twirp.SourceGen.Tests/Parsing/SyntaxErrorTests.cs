using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using NUnit.Framework;
using Twirp.SourceGen.Parsing;

namespace Twirp.SourceGen.Tests.Parsing;

/// <summary>Bad input becomes one precise TWIRP001 per mistake, and everything else is still read.</summary>
public class SyntaxErrorTests
{
    private static ProtoFileModel Parse(string text) => ProtoParser.Parse("bad.proto", text);

    private static (string Id, int Line, int Column, string Message)[] Errors(ProtoFileModel file) =>
        file.Diagnostics.Select(d => d.ToDiagnostic())
            .Select(d => (d.Id, d.Location.GetLineSpan().StartLinePosition.Line + 1, d.Location.GetLineSpan().StartLinePosition.Character + 1, d.GetMessage()))
            .ToArray();

    [Test]
    public void A_missing_semicolon_gives_one_error_at_the_end_of_the_line_and_the_rest_is_parsed()
    {
        var file = Parse("""
            syntax = "proto3";
            message Hat {
              int32 inches = 1
              string color = 2;
              string name = 3;
            }
            service Haberdasher {
              rpc MakeHat(Hat) returns (Hat);
            }
            """);

        var errors = Errors(file);
        Assert.That(errors, Has.Length.EqualTo(1));
        Assert.That(errors[0].Id, Is.EqualTo("TWIRP001"));
        Assert.That((errors[0].Line, errors[0].Column), Is.EqualTo((3, 19)));
        Assert.That(errors[0].Message, Is.EqualTo("Expected ';' but found 'string'"));
        Assert.That(file.Messages.Single().Fields.Select(f => f.Name), Is.EqualTo(new[] { "name" }),
            "recovery skips to the next ';', dropping only the broken statement");
        Assert.That(file.Services.Single().Methods.Single().Name, Is.EqualTo("MakeHat"));
    }

    [Test]
    public void A_typo_in_a_keyword_gives_one_error_and_later_declarations_survive()
    {
        var file = Parse("""
            syntax = "proto3";
            mesage Broken { int32 a = 1; int32 b = 2; }
            message Fine { int32 a = 1; }
            service S { rpc M(Fine) returns (Fine); }
            """);

        var errors = Errors(file);
        Assert.That(errors.Select(e => (e.Line, e.Column)), Is.EqualTo(new[] { (2, 1) }));
        Assert.That(errors[0].Message, Does.Contain("'mesage'"));
        Assert.That(file.Messages.Select(m => m.Name), Is.EqualTo(new[] { "Fine" }));
        Assert.That(file.Services.Single().Methods.Single().Name, Is.EqualTo("M"));
    }

    [Test]
    public void A_bad_rpc_is_reported_and_the_other_rpcs_of_the_service_are_kept()
    {
        var file = Parse("""
            service S {
              rpc A(X) returns (Y);
              rpc B(X) retruns (Y);
              rpc C(X) returns (Y);
            }
            """);

        Assert.That(Errors(file).Select(e => (e.Line, e.Column, e.Message)),
            Is.EqualTo(new[] { (3, 12, "Expected 'returns' after the request type of 'B' but found 'retruns'") }));
        Assert.That(file.Services.Single().Methods.Select(m => m.Name), Is.EqualTo(new[] { "A", "C" }));
    }

    [Test]
    public void An_unclosed_block_at_the_end_of_the_file_is_one_error()
    {
        var file = Parse("message A {\n  int32 x = 1;\n  message B {\n    int32 y = 2;\n");

        var errors = Errors(file);
        Assert.That(errors, Has.Length.EqualTo(1));
        Assert.That(errors[0].Message, Does.Contain("not closed"));
        Assert.That(file.Messages.Single().Messages.Single().Fields.Single().Name, Is.EqualTo("y"));
    }

    [TestCase("option a = \"unterminated;\nmessage M {}", 1, 12, "The string is not closed before the end of the line; add the closing quote")]
    [TestCase("/* never closed\nmessage M {}", 1, 1, "The block comment is not closed; add '*/'")]
    [TestCase("option a = 0x;", 1, 12, "'0x' must be followed by hex digits")]
    [TestCase("option a = 12abc;", 1, 12, "A number must be followed by a space or a symbol, not a letter or '.'")]
    [TestCase("option a = 09;", 1, 12, "Numbers starting with 0 are octal and may only hold the digits 0-7")]
    [TestCase("option a = \"\\q\";", 1, 12, "Unknown escape '\\q' in a string; write '\\\\' for a backslash")]
    [TestCase("syntax = \"proto4\";", 1, 10, "Unknown syntax \"proto4\"; use \"proto2\" or \"proto3\", or 'edition = \"2023\";' for editions")]
    [TestCase("package a;\nsyntax = \"proto3\";", 2, 1, "'syntax' must be the first statement of the file; move it to the top")]
    [TestCase("message M { int32 x = 99999999999; }", 1, 23, "The field number is too large; use a number from 1 to 536870911")]
    public void Lexical_and_statement_errors_point_at_the_problem(string text, int line, int column, string message)
    {
        var errors = Errors(Parse(text));

        Assert.That(errors, Has.Length.EqualTo(1), string.Join("\n", errors));
        Assert.That((errors[0].Line, errors[0].Column, errors[0].Message), Is.EqualTo((line, column, message)));
    }

    [Test]
    public void Hostile_nesting_is_an_error_not_a_stack_overflow()
    {
        var text = string.Concat(Enumerable.Repeat("message A { ", 5000)) + string.Concat(Enumerable.Repeat("} ", 5000));

        var file = Parse(text);

        Assert.That(Errors(file).Select(e => e.Message), Has.Some.Contains("nested more than 100 levels"));
        Assert.That(file.Diagnostics.Select(d => d.Descriptor.Id), Has.None.EqualTo("TWIRP099"));
    }

    [Test]
    public void Garbage_never_throws_and_is_reported()
    {
        var inputs = new[] { "\0\u0001{{{{", "}}}}", "message", "service S { rpc", "\"", "/*", "option (a.b", "enum E { A = - ; }", "\uD800 message" };
        foreach (var input in inputs)
        {
            var file = Parse(input);
            Assert.That(file.Diagnostics.Select(d => d.Descriptor.Id), Has.All.EqualTo("TWIRP001"), input);
            Assert.That(file.Diagnostics, Is.Not.Empty, input);
        }
    }

    [Test]
    public void Diagnostics_carry_the_file_path_and_a_help_link()
    {
        var diagnostic = Parse("oops").Diagnostics.Single().ToDiagnostic();

        Assert.That(diagnostic.Location.GetLineSpan().Path, Is.EqualTo("bad.proto"));
        Assert.That(diagnostic.Descriptor.HelpLinkUri, Does.EndWith("docs/diagnostics.md#twirp001"));
        Assert.That(diagnostic.Severity, Is.EqualTo(DiagnosticSeverity.Error));
    }
}
