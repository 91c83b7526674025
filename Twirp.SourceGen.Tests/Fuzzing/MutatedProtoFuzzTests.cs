using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.CodeAnalysis;
using NUnit.Framework;
using Twirp.SourceGen.Parsing;
using Twirp.SourceGen.Tests.Differential;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Fuzzing;

/// <summary>
/// Property tests: real protos mutated at random (truncated, tokens deleted, inserted or swapped, random
/// characters written over them) never make the parser or the generator throw or hang; every problem
/// comes back as a diagnostic.
/// </summary>
[Category("Fuzzing")]
public class MutatedProtoFuzzTests
{
    /// <summary>Generous: a case takes well under a millisecond; this only catches a loop that never ends.</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    private static readonly string[] Vocabulary =
    {
        "{", "}", ";", "=", "(", ")", "[", "]", "<", ">", ",", ".", "-", "\"", "'", "/*", "*/", "//", "\\", "\n",
        "message", "enum", "service", "rpc", "returns", "stream", "option", "import", "public", "package", "syntax",
        "edition", "oneof", "map", "group", "extend", "extensions", "reserved", "to", "max", "repeated", "optional",
        "required", "1", "0x", "0777", "1e", "inf", "\"proto3\"", "(a.b)", ".pkg.Type", "\u00e9", "\uD800", "\0",
    };

    private static readonly Lazy<IReadOnlyList<(string Path, string Text, int[] TokenStarts)>> s_seeds = new(LoadSeeds);

    /// <summary>Our edge cases, the sample service and a spread of Google's API protos (services, options, comments).</summary>
    private static IReadOnlyList<(string Path, string Text, int[] TokenStarts)> LoadSeeds()
    {
        var paths = Directory.EnumerateFiles(ProtocDifferentialTests.EdgeCaseDirectory, "*.proto").ToList();
        paths.Add(Path.Combine(AppContext.BaseDirectory, "TestProtos", "haberdasher.proto"));
        paths.AddRange(ProtocCorpus.Files.Where((_, index) => index % 400 == 0).Select(f => Path.Combine(ProtocCorpus.CorpusRoot, f)));
        return paths.Select(path =>
        {
            var text = File.ReadAllText(path);
            var tokens = ProtoLexer.Tokenize(text).Tokens.Select(t => t.Start).ToArray();
            return (path, text, tokens);
        }).ToList();
    }

    private abstract record Mutation
    {
        public abstract string Apply(string text, int[] tokenStarts);
    }

    private sealed record Truncate(int Percent) : Mutation
    {
        public override string Apply(string text, int[] tokenStarts) => text.Substring(0, text.Length * Percent / 100);
    }

    private sealed record DeleteTokens(int Token, int Count) : Mutation
    {
        public override string Apply(string text, int[] tokenStarts)
        {
            var (start, end) = Range(text, tokenStarts, Token, Count);
            return text.Remove(start, end - start);
        }
    }

    private sealed record InsertToken(int Token, string Inserted) : Mutation
    {
        public override string Apply(string text, int[] tokenStarts)
        {
            var (start, _) = Range(text, tokenStarts, Token, 0);
            return text.Insert(start, " " + Inserted + " ");
        }
    }

    private sealed record SwapTokens(int First, int Second) : Mutation
    {
        public override string Apply(string text, int[] tokenStarts)
        {
            var (aStart, aEnd) = Range(text, tokenStarts, Math.Min(First, Second), 1);
            var (bStart, bEnd) = Range(text, tokenStarts, Math.Max(First, Second), 1);
            if (aEnd > bStart)
            {
                return text;
            }
            return text.Substring(0, aStart) + text.Substring(bStart, bEnd - bStart) + text.Substring(aEnd, bStart - aEnd)
                + text.Substring(aStart, aEnd - aStart) + text.Substring(bEnd);
        }
    }

    private sealed record RandomCharacters(int Position, string Characters) : Mutation
    {
        public override string Apply(string text, int[] tokenStarts)
        {
            var at = text.Length == 0 ? 0 : Position % text.Length;
            var length = Math.Min(Characters.Length, text.Length - at);
            return text.Substring(0, at) + Characters + text.Substring(at + length);
        }
    }

    /// <summary>Names that must be escaped, renamed or diagnosed in C#, and templates built from the file's own names.</summary>
    private static readonly string[] TroublesomeNames =
    {
        "nameof", "__arglist", "__makeref", "__reftype", "__refvalue", "class", "var", "value", "global", "partial",
        "s_twirpDefinition", "Twirp", "TwirpContext", "TwirpClient", "ITwirpService", "System", "Package", "ToString",
        "{service}Base", "{service}Client", "{service}Twirp", "{lower}", "{upper}", new string('L', 600),
    };

    /// <summary>The C# line terminators that do not end a <c>//</c> comment in a .proto (only LF does).</summary>
    private static readonly string[] LineTerminators = { "\r", "\u0085", "\u2028", "\u2029" };

    /// <summary>
    /// Renames a declared service, rpc, message or package everywhere it occurs as a whole token, so the file
    /// stays valid while its names become ones C# cares about.
    /// </summary>
    private sealed record RenameDeclaration(int Index, string NewName) : Mutation
    {
        public override string Apply(string text, int[] tokenStarts)
        {
            var tokens = ProtoLexer.Tokenize(text).Tokens;
            var declared = new List<int>();
            for (var i = 0; i + 1 < tokens.Count; i++)
            {
                if (tokens[i].Kind == TokenKind.Identifier && tokens[i + 1].Kind == TokenKind.Identifier
                    && Text(text, tokens[i]) is "service" or "rpc" or "message" or "package")
                {
                    declared.Add(i + 1);
                }
            }
            if (declared.Count == 0)
            {
                return text;
            }
            var old = Text(text, tokens[declared[Index % declared.Count]]);
            var service = declared.Select(i => tokens[i - 1]).Zip(declared, (keyword, name) => (keyword, name))
                .Where(pair => Text(text, pair.keyword) == "service").Select(pair => Text(text, tokens[pair.name])).FirstOrDefault() ?? "Svc";
            var replacement = NewName.Replace("{service}", service).Replace("{lower}", old.ToLowerInvariant()).Replace("{upper}", old.ToUpperInvariant());
            var builder = new System.Text.StringBuilder(text.Length);
            var position = 0;
            foreach (var token in tokens.Where(t => t.Kind == TokenKind.Identifier && Text(text, t) == old))
            {
                builder.Append(text, position, token.Start - position).Append(replacement);
                position = token.Start + token.Length;
            }
            return builder.Append(text, position, text.Length - position).ToString();
        }

        private static string Text(string text, Token token) => text.Substring(token.Start, token.Length);
    }

    /// <summary>A comment holding a line terminator and C# after it, before a declaration: injected code if it ever leaks out.</summary>
    private sealed record InjectComment(int Token, string Terminator) : Mutation
    {
        public override string Apply(string text, int[] tokenStarts)
        {
            var (start, _) = Range(text, tokenStarts, Token, 0);
            return text.Insert(start, "// doc" + Terminator + "} class Injected { } //\n");
        }
    }

    private static (int Start, int End) Range(string text, int[] tokenStarts, int token, int count)
    {
        if (tokenStarts.Length == 0)
        {
            return (0, 0);
        }
        var first = token % tokenStarts.Length;
        var last = Math.Min(first + count, tokenStarts.Length - 1);
        return (tokenStarts[first], count == 0 ? tokenStarts[first] : last == first ? text.Length : tokenStarts[last]);
    }

    private static Gen<Mutation> MutationGen =>
        Gen.OneOf(
            Gen.Choose(0, 100).Select(p => (Mutation)new Truncate(p)),
            Gen.Choose(0, 100_000).Zip(Gen.Choose(1, 4)).Select(t => (Mutation)new DeleteTokens(t.Item1, t.Item2)),
            Gen.Choose(0, 100_000).Zip(Gen.Elements(Vocabulary)).Select(t => (Mutation)new InsertToken(t.Item1, t.Item2)),
            Gen.Choose(0, 100_000).Zip(Gen.Choose(0, 100_000)).Select(t => (Mutation)new SwapTokens(t.Item1, t.Item2)),
            Gen.Choose(0, 1_000_000).Zip(Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 0x2FF).Select(c => (char)c), n)))
                .Select(t => (Mutation)new RandomCharacters(t.Item1, new string(t.Item2))));

    private static Gen<Mutation> NamingMutationGen =>
        Gen.OneOf(
            Gen.Choose(0, 100_000).Zip(Gen.Elements(TroublesomeNames)).Select(t => (Mutation)new RenameDeclaration(t.Item1, t.Item2)),
            Gen.Choose(0, 100_000).Zip(Gen.Elements(LineTerminators)).Select(t => (Mutation)new InjectComment(t.Item1, t.Item2)));

    private sealed record Case(int Seed, Mutation[] Mutations)
    {
        public string Apply()
        {
            var (_, text, tokens) = s_seeds.Value[Seed];
            for (var i = 0; i < Mutations.Length; i++)
            {
                if (i > 0)
                {
                    // Token positions of the text as the previous mutation left it.
                    tokens = ProtoLexer.Tokenize(text).Tokens.Select(t => t.Start).ToArray();
                }
                text = Mutations[i].Apply(text, tokens);
            }
            return text;
        }

        public override string ToString() => $"{Path.GetFileName(s_seeds.Value[Seed].Path)} + {string.Join(", ", Mutations.Select(m => m.ToString()))}";
    }

    private static Arbitrary<Case> Cases => Gen.Choose(0, s_seeds.Value.Count - 1)
        .Zip(Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(MutationGen, n)))
        .Select(t => new Case(t.Item1, t.Item2))
        .ToArbitrary();

    private static Arbitrary<Case> NamingCases => Gen.Choose(0, s_seeds.Value.Count - 1)
        .Zip(Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(NamingMutationGen, n)))
        .Select(t => new Case(t.Item1, t.Item2))
        .ToArbitrary();

    [Test]
    public void The_parser_never_throws_or_hangs_on_mutated_real_protos()
    {
        Assert.That(s_seeds.Value.Count, Is.GreaterThan(20));
        var property = Prop.ForAll(Cases, @case =>
        {
            var text = @case.Apply();
            var stopwatch = Stopwatch.StartNew();
            var file = ProtoParser.Parse("fuzz.proto", text);
            stopwatch.Stop();
            return stopwatch.Elapsed < HangLimit
                && file.Diagnostics.All(d => d.Descriptor.Id != "TWIRP099")
                && file.Diagnostics.All(d => d.Location is null || (d.Location.Span.Start >= 0 && d.Location.Span.End <= text.Length));
        });

        property.Check(Config.QuickThrowOnFailure.WithMaxTest(4000).WithQuietOnSuccess(true));
    }

    [Test]
    public void The_generator_never_throws_on_mutated_real_protos()
    {
        var haberdasher = TestProtos.Haberdasher;
        var property = Prop.ForAll(Cases, @case =>
        {
            var text = @case.Apply();
            var protos = new[]
            {
                new ProtoSource("/src/app/fuzz.proto", text),
                new ProtoSource("/src/app/" + haberdasher.Path, haberdasher.Text),
            };
            var (result, _) = GeneratorHarness.Run(protos, globalOptions: new Dictionary<string, string>
            {
                ["build_property.TwirpVerifyMessageTypes"] = "false",
                ["build_property.ProjectDir"] = "/src/app/",
            });
            // A generator exception surfaces as CS8785 (and no output); ours would be TWIRP099.
            return result.Results.Single().Exception is null
                && result.Diagnostics.All(d => d.Id is not ("TWIRP099" or "CS8785" or "AD0001"))
                && result.Diagnostics.All(d => d.Severity != DiagnosticSeverity.Error || d.Id.StartsWith("TWIRP", StringComparison.Ordinal));
        });

        property.Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true));
    }

    /// <summary>
    /// Declarations renamed to keywords, runtime or generated names, and comments holding every C# line
    /// terminator: the generator never throws, and each file it writes parses as C# and declares exactly
    /// one type (a comment that leaked out of its <c>///</c> line would declare <c>Injected</c>).
    /// </summary>
    [Test]
    public void Generated_code_stays_well_formed_when_names_and_comments_are_mutated()
    {
        var haberdasher = TestProtos.Haberdasher;
        var property = Prop.ForAll(NamingCases, @case =>
        {
            var protos = new[]
            {
                new ProtoSource("/src/app/fuzz.proto", @case.Apply()),
                new ProtoSource("/src/app/" + haberdasher.Path, haberdasher.Text),
            };
            var (result, _) = GeneratorHarness.Run(protos, globalOptions: new Dictionary<string, string>
            {
                ["build_property.TwirpVerifyMessageTypes"] = "false",
                ["build_property.ProjectDir"] = "/src/app/",
            });
            var run = result.Results.Single();
            return run.Exception is null
                && result.Diagnostics.All(d => d.Id is not ("TWIRP099" or "CS8785" or "AD0001"))
                && run.GeneratedSources.All(source => WellFormed(source.SyntaxTree));
        });

        property.Check(Config.QuickThrowOnFailure.WithMaxTest(100).WithQuietOnSuccess(true));
    }

    private static bool WellFormed(SyntaxTree tree) =>
        !tree.GetDiagnostics().Any()
        && tree.GetRoot().DescendantNodes().Count(node => node is Microsoft.CodeAnalysis.CSharp.Syntax.BaseTypeDeclarationSyntax) == 1;

    [Test]
    public void Naming_mutations_really_reach_declarations_and_comments()
    {
        // Guards the property above: the mutations must rename things and leave most files valid, or it proves nothing.
        var samples = NamingCases.Generator.Sample(50, 200);
        var changed = samples.Count(c => c.Apply() != s_seeds.Value[c.Seed].Text);
        var valid = samples.Count(c => ProtoParser.Parse("x.proto", c.Apply()).Diagnostics.Count == 0);

        Assert.That(changed, Is.GreaterThan(samples.Length * 8 / 10));
        Assert.That(valid, Is.GreaterThan(samples.Length / 2));
    }

    [Test]
    public void Mutations_really_break_files()
    {
        // Guards the fuzzer itself: if mutations stopped changing the text, the properties would prove nothing.
        var samples = Cases.Generator.Sample(50, 200);
        var broken = samples.Count(c => ProtoParser.Parse("x.proto", c.Apply()).Diagnostics.Count > 0);
        var changed = samples.Count(c => c.Apply() != s_seeds.Value[c.Seed].Text);

        Assert.That(samples, Is.Not.Empty);
        Assert.That(changed, Is.GreaterThan(samples.Length * 9 / 10), "almost every case should change the text");
        Assert.That(broken, Is.GreaterThan(samples.Length / 2), "most mutated files should have syntax errors");
    }
}
