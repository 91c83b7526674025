using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Twirp.SourceGen.Parsing;

internal enum TokenKind
{
    Identifier,
    Number,
    String,
    Symbol,
    EndOfFile,
}

/// <summary>A token, with the comment block that ends just before it (protoc's leading comment).</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Start, int Length, int Line, int Column, string? LeadingComment);

/// <summary>Splits <c>.proto</c> text into tokens, keeping comments that may become docs.</summary>
internal sealed class ProtoLexer
{
    private readonly string _text;
    private int _position;
    private int _line;
    private int _lineStart;

    public ProtoLexer(string text) => _text = text;

    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        while (true)
        {
            var comment = SkipTriviaCollectingComment();
            var start = _position;
            var line = _line;
            var column = _position - _lineStart;
            if (_position >= _text.Length)
            {
                tokens.Add(new Token(TokenKind.EndOfFile, string.Empty, start, 0, line, column, comment));
                return tokens;
            }
            var c = _text[_position];
            TokenKind kind;
            if (char.IsLetter(c) || c == '_')
            {
                while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] == '_' || _text[_position] == '.'))
                {
                    _position++;
                }
                kind = TokenKind.Identifier;
            }
            else if (char.IsDigit(c) || (c == '.' && _position + 1 < _text.Length && char.IsDigit(_text[_position + 1])))
            {
                while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] == '.'))
                {
                    _position++;
                }
                kind = TokenKind.Number;
            }
            else if (c == '"' || c == '\'')
            {
                _position++;
                while (_position < _text.Length && _text[_position] != c && _text[_position] != '\n')
                {
                    _position += _text[_position] == '\\' ? 2 : 1;
                }
                _position = System.Math.Min(_position + 1, _text.Length);
                kind = TokenKind.String;
            }
            else if (c == '.' && _position + 1 < _text.Length && (char.IsLetter(_text[_position + 1]) || _text[_position + 1] == '_'))
            {
                // A fully qualified type name such as .pkg.Type.
                _position++;
                while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] == '_' || _text[_position] == '.'))
                {
                    _position++;
                }
                kind = TokenKind.Identifier;
            }
            else
            {
                _position++;
                kind = TokenKind.Symbol;
            }
            tokens.Add(new Token(kind, _text.Substring(start, _position - start), start, _position - start, line, column, comment));
        }
    }

    private string? SkipTriviaCollectingComment()
    {
        StringBuilder? comment = null;
        var blankLineAfterComment = false;
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == '\n')
            {
                NewLine();
                if (comment is not null && IsBlankLineAhead())
                {
                    blankLineAfterComment = true;
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                _position++;
            }
            else if (c == '/' && Peek(1) == '/')
            {
                if (blankLineAfterComment)
                {
                    comment = null;
                    blankLineAfterComment = false;
                }
                _position += 2;
                var start = _position;
                while (_position < _text.Length && _text[_position] != '\n')
                {
                    _position++;
                }
                (comment ??= new StringBuilder()).Append(_text, start, _position - start).Append('\n');
            }
            else if (c == '/' && Peek(1) == '*')
            {
                if (blankLineAfterComment)
                {
                    comment = null;
                    blankLineAfterComment = false;
                }
                _position += 2;
                var start = _position;
                while (_position < _text.Length && !(_text[_position] == '*' && Peek(1) == '/'))
                {
                    if (_text[_position] == '\n')
                    {
                        _line++;
                        _lineStart = _position + 1;
                    }
                    _position++;
                }
                (comment ??= new StringBuilder()).Append(_text, start, _position - start).Append('\n');
                _position = System.Math.Min(_position + 2, _text.Length);
            }
            else
            {
                break;
            }
        }
        return blankLineAfterComment ? null : comment?.ToString();
    }

    private bool IsBlankLineAhead()
    {
        var i = _position;
        while (i < _text.Length && _text[i] != '\n' && char.IsWhiteSpace(_text[i]))
        {
            i++;
        }
        return i < _text.Length && _text[i] == '\n';
    }

    private void NewLine()
    {
        _position++;
        _line++;
        _lineStart = _position;
    }

    private char Peek(int offset) => _position + offset < _text.Length ? _text[_position + offset] : '\0';

    public static LinePositionSpan LineSpan(Token token) =>
        new(new LinePosition(token.Line, token.Column), new LinePosition(token.Line, token.Column + token.Length));
}
