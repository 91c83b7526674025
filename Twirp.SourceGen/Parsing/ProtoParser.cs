using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis.Text;
using Twirp.SourceGen.Diagnostics;
using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Parsing;

/// <summary>
/// Reads the declarations of a <c>.proto</c> file that the generator needs: package, options, imports,
/// messages and enums (for type resolution), and services.
/// </summary>
internal sealed class ProtoParser
{
    private readonly string _path;
    private readonly List<Token> _tokens;
    private int _index;
    private string _package = string.Empty;
    private string? _csharpNamespace;
    private readonly List<string> _imports = new();
    private readonly List<ProtoTypeDecl> _types = new();
    private readonly List<ProtoServiceDecl> _services = new();
    private readonly List<DiagnosticInfo> _diagnostics = new();

    private ProtoParser(string path, string text)
    {
        _path = path;
        _tokens = new ProtoLexer(text).Tokenize();
    }

    public static ProtoFileModel Parse(string path, string text)
    {
        var parser = new ProtoParser(path, text);
        try
        {
            parser.ParseFile();
        }
        catch (SyntaxException exception)
        {
            parser._diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SyntaxError, parser.LocationOf(exception.Token), exception.Message));
        }
        return new ProtoFileModel(
            path,
            parser._package,
            parser._csharpNamespace,
            parser._imports.ToEquatableArray(),
            parser._types.ToEquatableArray(),
            parser._services.ToEquatableArray(),
            parser._diagnostics.ToEquatableArray());
    }

    private Token Current => _tokens[_index];

    private void ParseFile()
    {
        while (Current.Kind != TokenKind.EndOfFile)
        {
            var token = Next();
            switch (token.Text)
            {
                case ";":
                    break;
                case "syntax":
                case "edition":
                    SkipStatement();
                    break;
                case "package":
                    _package = Expect(TokenKind.Identifier).Text;
                    Expect(";");
                    break;
                case "import":
                    if (Current.Text is "public" or "weak")
                    {
                        Next();
                    }
                    _imports.Add(Unquote(Expect(TokenKind.String).Text));
                    Expect(";");
                    break;
                case "option":
                    ParseFileOption();
                    break;
                case "message":
                    ParseMessage(new List<string>());
                    break;
                case "enum":
                    ParseEnum(new List<string>());
                    break;
                case "service":
                    ParseService(token);
                    break;
                case "extend":
                    Expect(TokenKind.Identifier);
                    SkipBlock();
                    break;
                default:
                    throw new SyntaxException(token, $"Unexpected '{token.Text}' at the top level of the file; expected 'message', 'enum', 'service', 'import', 'package' or 'option'");
            }
        }
    }

    private void ParseFileOption()
    {
        var name = Current.Text;
        var start = _index;
        SkipStatement();
        if (name == "csharp_namespace" && _index - start >= 3 && _tokens[start + 2].Kind == TokenKind.String)
        {
            _csharpNamespace = Unquote(_tokens[start + 2].Text);
        }
    }

    private void ParseMessage(List<string> containers)
    {
        var name = Expect(TokenKind.Identifier).Text;
        AddType(name, containers);
        Expect("{");
        containers.Add(name);
        while (Current.Text != "}")
        {
            var token = Current;
            if (token.Kind == TokenKind.EndOfFile)
            {
                throw new SyntaxException(token, $"Message '{name}' is not closed; add '}}'");
            }
            if (token.Text == "message")
            {
                Next();
                ParseMessage(containers);
            }
            else if (token.Text == "enum")
            {
                Next();
                ParseEnum(containers);
            }
            else
            {
                SkipStatement();
            }
        }
        Next();
        containers.RemoveAt(containers.Count - 1);
    }

    private void ParseEnum(List<string> containers)
    {
        var name = Expect(TokenKind.Identifier).Text;
        AddType(name, containers);
        SkipBlock();
    }

    private void AddType(string name, List<string> containers)
    {
        var prefix = _package.Length == 0 ? string.Empty : _package + ".";
        var fullName = prefix + string.Concat(containers.Select(c => c + ".")) + name;
        _types.Add(new ProtoTypeDecl(fullName, name, containers.ToEquatableArray()));
    }

    private void ParseService(Token keyword)
    {
        var nameToken = Expect(TokenKind.Identifier);
        Expect("{");
        var methods = new List<ProtoMethodDecl>();
        var deprecated = false;
        while (Current.Text != "}")
        {
            var token = Next();
            if (token.Kind == TokenKind.EndOfFile)
            {
                throw new SyntaxException(token, $"Service '{nameToken.Text}' is not closed; add '}}'");
            }
            if (token.Text == "rpc")
            {
                methods.Add(ParseMethod(token));
            }
            else if (token.Text == "option")
            {
                deprecated |= IsDeprecatedOption();
            }
            else if (token.Text != ";")
            {
                throw new SyntaxException(token, $"Unexpected '{token.Text}' in service '{nameToken.Text}'; expected 'rpc' or 'option'");
            }
        }
        Next();
        _services.Add(new ProtoServiceDecl(nameToken.Text, ToDocComment(keyword.LeadingComment), deprecated, methods.ToEquatableArray(), LocationOf(nameToken)));
    }

    private ProtoMethodDecl ParseMethod(Token keyword)
    {
        var name = Expect(TokenKind.Identifier);
        Expect("(");
        var clientStreaming = TryConsume("stream");
        var input = Expect(TokenKind.Identifier);
        Expect(")");
        Expect("returns");
        Expect("(");
        var serverStreaming = TryConsume("stream");
        var output = Expect(TokenKind.Identifier);
        Expect(")");
        var deprecated = false;
        if (TryConsume("{"))
        {
            while (!TryConsume("}"))
            {
                var token = Next();
                if (token.Kind == TokenKind.EndOfFile)
                {
                    throw new SyntaxException(token, $"Method '{name.Text}' is not closed; add '}}'");
                }
                if (token.Text == "option")
                {
                    deprecated |= IsDeprecatedOption();
                }
            }
        }
        else
        {
            Expect(";");
        }
        return new ProtoMethodDecl(name.Text, input.Text, output.Text, clientStreaming, serverStreaming,
            ToDocComment(keyword.LeadingComment), deprecated, LocationOf(name), LocationOf(input), LocationOf(output));
    }

    private bool IsDeprecatedOption()
    {
        var isDeprecated = Current.Text == "deprecated" && _tokens[_index + 1].Text == "=" && _tokens[_index + 2].Text == "true";
        SkipStatement();
        return isDeprecated;
    }

    private void SkipStatement()
    {
        var depth = 0;
        while (Current.Kind != TokenKind.EndOfFile)
        {
            var token = Next();
            if (token.Text is "{" or "[" or "(")
            {
                depth++;
            }
            else if (token.Text is "}" or "]" or ")")
            {
                depth--;
                if (depth == 0 && token.Text == "}")
                {
                    return;
                }
            }
            else if (token.Text == ";" && depth == 0)
            {
                return;
            }
        }
    }

    private void SkipBlock()
    {
        Expect("{");
        var depth = 1;
        while (depth > 0)
        {
            var token = Next();
            if (token.Kind == TokenKind.EndOfFile)
            {
                throw new SyntaxException(token, "A block is not closed; add '}'");
            }
            depth += token.Text == "{" ? 1 : token.Text == "}" ? -1 : 0;
        }
    }

    private Token Next()
    {
        var token = _tokens[_index];
        if (token.Kind != TokenKind.EndOfFile)
        {
            _index++;
        }
        return token;
    }

    private bool TryConsume(string text)
    {
        if (Current.Text == text && Current.Kind != TokenKind.String)
        {
            _index++;
            return true;
        }
        return false;
    }

    private Token Expect(string text)
    {
        if (!TryConsume(text))
        {
            throw new SyntaxException(Current, $"Expected '{text}' but found {Describe(Current)}");
        }
        return _tokens[_index - 1];
    }

    private Token Expect(TokenKind kind)
    {
        if (Current.Kind != kind)
        {
            throw new SyntaxException(Current, $"Expected {(kind == TokenKind.String ? "a string" : "a name")} but found {Describe(Current)}");
        }
        return Next();
    }

    private static string Describe(Token token) => token.Kind == TokenKind.EndOfFile ? "the end of the file" : $"'{token.Text}'";

    private static string Unquote(string literal) => literal.Length >= 2 ? literal.Substring(1, literal.Length - 2) : literal;

    private LocationInfo LocationOf(Token token) =>
        new(_path, new TextSpan(token.Start, token.Length), ProtoLexer.LineSpan(token));

    private static DocComment ToDocComment(string? comment)
    {
        if (comment is null)
        {
            return DocComment.None;
        }
        var lines = comment.TrimEnd('\n').Split('\n')
            .Select(line => line.StartsWith(" ", StringComparison.Ordinal) ? line.Substring(1) : line)
            .Select(line => line.TrimEnd());
        return new DocComment(lines.ToEquatableArray());
    }

    private sealed class SyntaxException : Exception
    {
        public SyntaxException(Token token, string message)
            : base(message) => Token = token;

        public Token Token { get; }
    }
}
