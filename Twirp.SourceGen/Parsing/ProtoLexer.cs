using System.Collections.Generic;
using System.Text;
using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Parsing;

internal enum TokenKind : byte
{
    Identifier,
    Integer,
    Float,
    String,
    Symbol,
    EndOfFile,
}

/// <summary>
/// One token. Text is not copied out of the source: the parser compares against it in place and
/// allocates a string only for names and values it keeps.
/// </summary>
internal readonly struct Token
{
    public Token(TokenKind kind, int start, int length, int line, int column)
    {
        Kind = kind;
        Start = start;
        Length = length;
        Line = line;
        Column = column;
    }

    public TokenKind Kind { get; }

    public int Start { get; }

    public int Length { get; }

    /// <summary>Zero-based line of the first character.</summary>
    public int Line { get; }

    /// <summary>Zero-based column of the first character (tabs count as one column).</summary>
    public int Column { get; }

    /// <summary>Tokens never span lines: strings end at a newline, comments are not tokens.</summary>
    public int EndLine => Line;

    public int EndColumn => Column + Length;

    public ProtoSpan Span => new(Start, Length, Line, Column, Line, Column + Length);
}

/// <summary>
/// The comments protoc's tokenizer attaches around a token: the comment block right before it
/// (leading), blocks separated from it by a blank line (detached), and a comment right after it on
/// the same line (trailing). See <c>Tokenizer::NextWithComments</c> in protocolbuffers/protobuf.
/// </summary>
/// <remarks>
/// Text is held as <see cref="CommentRef"/>s into the file's <see cref="CommentText"/> and becomes a string
/// only when the parser keeps it: most comments (licence headers, enum values, options) document nothing
/// the model holds.
/// </remarks>
internal sealed class TokenComments
{
    public CommentRef? Leading;
    public List<CommentRef>? Detached;
    public CommentRef? Trailing;
}

/// <summary>One comment block's text: where it is in the file's <see cref="CommentText"/>.</summary>
internal readonly struct CommentRef
{
    public CommentRef(int start, int length)
    {
        Start = start;
        Length = length;
    }

    public int Start { get; }

    public int Length { get; }
}

/// <summary>A problem the lexer found: where, and a message that says what to do.</summary>
internal readonly record struct LexerError(ProtoSpan Span, string Message);

/// <summary>
/// Splits <c>.proto</c> text into tokens the way protoc's tokenizer does: identifiers, decimal, hex and
/// octal integers, floats, quoted strings with C escapes, single-character symbols, and C/C++ comments
/// kept with protoc's leading/trailing/detached attachment rules. It never throws: malformed input
/// becomes a <see cref="LexerError"/> and the lexer carries on.
/// </summary>
internal sealed class ProtoLexer
{
    private readonly string _text;
    private int _position;
    private int _line;
    private int _lineStart;

    private readonly List<Token> _tokens;
    private readonly List<TokenComments?> _comments;
    private readonly List<LexerError> _errors = new();

    // Comment collection state, mirroring protoc's CommentCollector.
    private readonly CommentText _buffer;
    private bool _hasComment;
    private bool _isLineComment;
    private bool _canAttachToPrevious;
    private bool _hasTrailing;
    private int _commentCount;
    private CommentRef? _trailing;
    private List<CommentRef>? _detached;

    // Token buffers are reused by the next file parsed on the same thread: they are the bulk of what
    // lexing allocates, and no token outlives the parse (the model copies what it keeps).
    [System.ThreadStatic]
    private static List<Token>? t_tokens;

    [System.ThreadStatic]
    private static List<TokenComments?>? t_comments;

    [System.ThreadStatic]
    private static CommentText? t_commentText;

    private ProtoLexer(string text)
    {
        _text = text;
        _tokens = t_tokens ?? new List<Token>(256);
        _comments = t_comments ?? new List<TokenComments?>(256);
        _buffer = t_commentText ?? new CommentText();
        t_tokens = null;
        t_comments = null;
        t_commentText = null;
        _tokens.Clear();
        _comments.Clear();
    }

    /// <summary>Hands the buffers back for the next file on this thread; the lexer must not be used afterwards.</summary>
    public void Release()
    {
        if (_tokens.Capacity <= MaxPooledTokens)
        {
            _tokens.Clear();
            _comments.Clear();
            t_tokens = _tokens;
            t_comments = _comments;
        }
        if (_buffer.Capacity <= MaxPooledCommentChars)
        {
            _buffer.Clear();
            t_commentText = _buffer;
        }
    }

    private const int MaxPooledTokens = 1 << 20;

    /// <summary>Enough for the comments of the largest file in Google's APIs (Compute's, 4.3 MB of text).</summary>
    private const int MaxPooledCommentChars = 1 << 22;

    public string Text => _text;

    public List<Token> Tokens => _tokens;

    /// <summary>Comments around each token, by token index; null when a token has none.</summary>
    public List<TokenComments?> Comments => _comments;

    /// <summary>The text the <see cref="CommentRef"/>s in <see cref="Comments"/> point into.</summary>
    public CommentText CommentText => _buffer;

    public List<LexerError> Errors => _errors;

    public static ProtoLexer Tokenize(string text)
    {
        var lexer = new ProtoLexer(text);
        lexer.Run();
        return lexer;
    }

    private void Run()
    {
        // A UTF-8 byte order mark decoded as text.
        if (_text.Length > 0 && _text[0] == '\uFEFF')
        {
            _position = 1;
            _lineStart = 1;
        }
        var isStart = true;
        do
        {
            CollectComments(isStart);
            isStart = false;
        }
        while (ReadToken());
    }

    private CommentRef? _pendingLeading;

    /// <summary>
    /// Reads the whitespace and comments between the previous token and the next one and decides which
    /// comment belongs to which token, as protoc's <c>NextWithComments</c> does; then records the
    /// previous token's trailing comment; the next token's leading and detached comments are stored
    /// when that token is added.
    /// </summary>
    private void CollectComments(bool isStart)
    {
        _buffer.DiscardBlock();
        _hasComment = false;
        _isLineComment = false;
        _canAttachToPrevious = true;
        _hasTrailing = false;
        _commentCount = 0;
        _trailing = null;
        _detached = null;
        _pendingLeading = null;

        var previousLine = _line;
        var trailingCommentEndLine = -1;

        if (isStart)
        {
            _canAttachToPrevious = false;
            previousLine = -1;
        }
        else
        {
            SkipWhitespaceNoNewline();
            switch (TryConsumeCommentStart())
            {
                case CommentStart.Line:
                    trailingCommentEndLine = _line;
                    ConsumeLineComment(BufferForLineComment());
                    Flush();
                    break;
                case CommentStart.Block:
                    ConsumeBlockComment(BufferForBlockComment());
                    trailingCommentEndLine = _line;
                    SkipWhitespaceNoNewline();
                    Flush();
                    break;
                case CommentStart.None:
                    if (!TryConsumeNewline())
                    {
                        FinishComments(null);
                        return;
                    }
                    break;
            }
        }

        while (true)
        {
            SkipWhitespaceNoNewline();
            switch (TryConsumeCommentStart())
            {
                case CommentStart.Line:
                    ConsumeLineComment(BufferForLineComment());
                    break;
                case CommentStart.Block:
                    ConsumeBlockComment(BufferForBlockComment());
                    SkipWhitespaceNoNewline();
                    TryConsumeNewline();
                    break;
                case CommentStart.None:
                    if (TryConsumeNewline())
                    {
                        // A blank line ends a comment block and detaches it from the next token.
                        Flush();
                        _canAttachToPrevious = false;
                    }
                    else
                    {
                        var atEnd = _position >= _text.Length;
                        var next = atEnd ? '\0' : _text[_position];
                        if (atEnd || next == '}' || next == ']' || next == ')')
                        {
                            // At the end of a scope a comment documents nothing that follows.
                            Flush();
                        }
                        if (!atEnd && (previousLine == _line || trailingCommentEndLine == _line))
                        {
                            MaybeDetachComment();
                        }
                        CommentRef? leading = null;
                        if (_hasComment)
                        {
                            leading = _buffer.Current;
                            _buffer.EndBlock();
                        }
                        FinishComments(leading);
                        return;
                    }
                    break;
            }
        }
    }

    /// <summary>Stores the previous token's trailing comment and the detached/leading comments for the next.</summary>
    private void FinishComments(CommentRef? leading)
    {
        if (_trailing is not null && _tokens.Count > 0)
        {
            var index = _tokens.Count - 1;
            (_comments[index] ??= new TokenComments()).Trailing = _trailing;
        }
        _pendingLeading = leading;
    }

    private bool ReadToken()
    {
        SkipUnattachedTrivia();
        if (_position >= _text.Length)
        {
            AddToken(TokenKind.EndOfFile, _position, _line, _position - _lineStart);
            return false;
        }
        var start = _position;
        var line = _line;
        var column = _position - _lineStart;
        var c = _text[_position];
        if (IsLetter(c))
        {
            var text = _text;
            var position = _position + 1;
            while (position < text.Length && IsAlphanumeric(text[position]))
            {
                position++;
            }
            _position = position;
            AddToken(TokenKind.Identifier, start, line, column);
        }
        else if (IsDigit(c) || (c == '.' && _position + 1 < _text.Length && IsDigit(_text[_position + 1])))
        {
            AddToken(ReadNumber(), start, line, column);
        }
        else if (c == '"' || c == '\'')
        {
            ReadString(c);
            AddToken(TokenKind.String, start, line, column);
        }
        else
        {
            _position++;
            if (c < ' ' && c != '\t' || c == 0x7F)
            {
                _errors.Add(new LexerError(new ProtoSpan(start, 1, line, column, line, column + 1),
                    $"Invalid control character 0x{(int)c:X2} in the file; remove it"));
                return true;
            }
            if (char.IsHighSurrogate(c) && _position < _text.Length && char.IsLowSurrogate(_text[_position]))
            {
                _position++;
            }
            AddToken(TokenKind.Symbol, start, line, column);
        }
        return true;
    }

    private void AddToken(TokenKind kind, int start, int line, int column)
    {
        _tokens.Add(new Token(kind, start, _position - start, line, column));
        TokenComments? comments = null;
        if (_pendingLeading is not null || _detached is not null)
        {
            comments = new TokenComments { Leading = _pendingLeading, Detached = _detached };
        }
        _comments.Add(comments);
        _pendingLeading = null;
        _detached = null;
    }

    private TokenKind ReadNumber()
    {
        var start = _position;
        var kind = TokenKind.Integer;
        var c = _text[_position];
        if (c == '0' && _position + 1 < _text.Length && (_text[_position + 1] == 'x' || _text[_position + 1] == 'X'))
        {
            _position += 2;
            var digits = _position;
            while (_position < _text.Length && IsHexDigit(_text[_position]))
            {
                _position++;
            }
            if (_position == digits)
            {
                Error(start, "'0x' must be followed by hex digits");
            }
        }
        else if (c == '0' && _position + 1 < _text.Length && IsDigit(_text[_position + 1]))
        {
            _position++;
            while (_position < _text.Length && IsDigit(_text[_position]))
            {
                if (_text[_position] > '7')
                {
                    Error(start, "Numbers starting with 0 are octal and may only hold the digits 0-7");
                }
                _position++;
            }
        }
        else
        {
            while (_position < _text.Length && IsDigit(_text[_position]))
            {
                _position++;
            }
            if (_position < _text.Length && _text[_position] == '.')
            {
                kind = TokenKind.Float;
                _position++;
                while (_position < _text.Length && IsDigit(_text[_position]))
                {
                    _position++;
                }
            }
            if (_position < _text.Length && (_text[_position] == 'e' || _text[_position] == 'E'))
            {
                kind = TokenKind.Float;
                _position++;
                if (_position < _text.Length && (_text[_position] == '-' || _text[_position] == '+'))
                {
                    _position++;
                }
                var digits = _position;
                while (_position < _text.Length && IsDigit(_text[_position]))
                {
                    _position++;
                }
                if (_position == digits)
                {
                    Error(start, "An exponent must have digits, as in 1e10");
                }
            }
        }
        if (_position < _text.Length && (IsLetter(_text[_position]) || _text[_position] == '.'))
        {
            Error(start, "A number must be followed by a space or a symbol, not a letter or '.'");
            while (_position < _text.Length && (IsAlphanumeric(_text[_position]) || _text[_position] == '.'))
            {
                _position++;
            }
        }
        return kind;
    }

    private void ReadString(char quote)
    {
        var start = _position;
        _position++;
        while (true)
        {
            if (_position >= _text.Length)
            {
                Error(start, "The string is not closed; add the closing quote");
                return;
            }
            var c = _text[_position];
            if (c == '\n')
            {
                Error(start, "The string is not closed before the end of the line; add the closing quote");
                return;
            }
            if (c == quote)
            {
                _position++;
                return;
            }
            if (c == '\\' && _position + 1 < _text.Length && _text[_position + 1] != '\n')
            {
                _position++;
            }
            _position++;
        }
    }

    private enum CommentStart
    {
        None,
        Line,
        Block,
    }

    private CommentStart TryConsumeCommentStart()
    {
        if (_position + 1 < _text.Length && _text[_position] == '/')
        {
            var next = _text[_position + 1];
            if (next == '/')
            {
                _position += 2;
                return CommentStart.Line;
            }
            if (next == '*')
            {
                _position += 2;
                return CommentStart.Block;
            }
        }
        return CommentStart.None;
    }

    /// <param name="buffer">Where the text goes; null for a comment no token gets.</param>
    private void ConsumeLineComment(CommentText? buffer)
    {
        var start = _position;
        var end = _text.IndexOf('\n', start);
        _position = end < 0 ? _text.Length : end;
        buffer?.Append(_text, start, _position - start);
        if (_position < _text.Length)
        {
            buffer?.Append('\n');
            NewLine();
        }
    }

    /// <param name="buffer">Where the text goes; null for a comment no token gets.</param>
    private void ConsumeBlockComment(CommentText? buffer)
    {
        var commentStart = _position - 2;
        var commentLine = _line;
        var commentColumn = commentStart - _lineStart;
        var recordStart = _position;
        while (true)
        {
            var text = _text;
            var position = _position;
            while (position < text.Length && text[position] != '*' && text[position] != '/' && text[position] != '\n')
            {
                position++;
            }
            _position = position;
            if (_position >= _text.Length)
            {
                buffer?.Append(_text, recordStart, _position - recordStart);
                _errors.Add(new LexerError(new ProtoSpan(commentStart, 2, commentLine, commentColumn, commentLine, commentColumn + 2),
                    "The block comment is not closed; add '*/'"));
                return;
            }
            var c = _text[_position];
            if (c == '\n')
            {
                buffer?.Append(_text, recordStart, _position + 1 - recordStart);
                NewLine();
                // Like protoc, drop the indentation and one '*' that starts each following line.
                SkipWhitespaceNoNewline();
                if (_position < _text.Length && _text[_position] == '*')
                {
                    _position++;
                    if (_position < _text.Length && _text[_position] == '/')
                    {
                        _position++;
                        return;
                    }
                }
                recordStart = _position;
            }
            else if (c == '*')
            {
                _position++;
                if (_position < _text.Length && _text[_position] == '/')
                {
                    buffer?.Append(_text, recordStart, _position - 1 - recordStart);
                    _position++;
                    return;
                }
            }
            else
            {
                _position++;
            }
        }
    }

    private CommentText BufferForLineComment()
    {
        // Consecutive line comments form one block; a block comment does not merge with them.
        if (_hasComment && !_isLineComment)
        {
            Flush();
        }
        _hasComment = true;
        _isLineComment = true;
        return _buffer;
    }

    private CommentText BufferForBlockComment()
    {
        if (_hasComment)
        {
            Flush();
        }
        _hasComment = true;
        _isLineComment = false;
        return _buffer;
    }

    private void ClearBuffer()
    {
        _buffer.EndBlock();
        _hasComment = false;
    }

    private void Flush()
    {
        if (!_hasComment)
        {
            return;
        }
        if (_canAttachToPrevious)
        {
            // The buffer only appends, so an earlier trailing block and this one are adjacent: extend it.
            _trailing = _trailing is { } earlier ? new CommentRef(earlier.Start, earlier.Length + _buffer.Current.Length) : _buffer.Current;
            _hasTrailing = true;
            _canAttachToPrevious = false;
        }
        else
        {
            (_detached ??= new List<CommentRef>()).Add(_buffer.Current);
        }
        ClearBuffer();
        _commentCount++;
    }

    private void MaybeDetachComment()
    {
        var count = _commentCount + (_hasComment ? 1 : 0);
        if (count != 1)
        {
            return;
        }
        // A lone comment between two tokens on one line belongs to neither.
        if (_hasTrailing && _trailing is not null)
        {
            (_detached ??= new List<CommentRef>()).Insert(0, _trailing.Value);
            _trailing = null;
        }
        _canAttachToPrevious = false;
        Flush();
    }

    /// <summary>
    /// Whitespace and comments that no token gets, e.g. a line comment after a block comment on the same
    /// line as the next token; protoc's <c>Next</c> drops them the same way.
    /// </summary>
    private void SkipUnattachedTrivia()
    {
        while (true)
        {
            SkipWhitespaceNoNewline();
            if (TryConsumeNewline())
            {
                continue;
            }
            switch (TryConsumeCommentStart())
            {
                case CommentStart.Line:
                    ConsumeLineComment(null);
                    continue;
                case CommentStart.Block:
                    ConsumeBlockComment(null);
                    continue;
            }
            return;
        }
    }

    private void SkipWhitespaceNoNewline()
    {
        var text = _text;
        var position = _position;
        while (position < text.Length)
        {
            var c = text[position];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\v' && c != '\f')
            {
                break;
            }
            position++;
        }
        _position = position;
    }

    private bool TryConsumeNewline()
    {
        if (_position < _text.Length && _text[_position] == '\n')
        {
            NewLine();
            return true;
        }
        return false;
    }

    private void NewLine()
    {
        _position++;
        _line++;
        _lineStart = _position;
    }

    private void Error(int start, string message)
    {
        var column = start - _lineStart;
        _errors.Add(new LexerError(new ProtoSpan(start, _position - start, _line, column, _line, column + (_position - start)), message));
    }

    internal static bool IsLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

    internal static bool IsDigit(char c) => c >= '0' && c <= '9';

    internal static bool IsAlphanumeric(char c) => IsLetter(c) || IsDigit(c);

    private static bool IsHexDigit(char c) => IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// <summary>
/// The text of a file's comment blocks, one after another in one char buffer that only grows (and is reused
/// by the next file on the thread): collecting a comment allocates nothing, and a block becomes a string
/// only when <see cref="ToString(CommentRef)"/> is asked for it.
/// </summary>
internal sealed class CommentText
{
    private char[] _chars = new char[4096];
    private int _length;
    private int _blockStart;

    public int Capacity => _chars.Length;

    /// <summary>The block being collected, from the end of the last finished one.</summary>
    public CommentRef Current => new(_blockStart, _length - _blockStart);

    public void Append(string text, int start, int count)
    {
        Reserve(count);
        text.CopyTo(start, _chars, _length, count);
        _length += count;
    }

    public void Append(char c)
    {
        Reserve(1);
        _chars[_length++] = c;
    }

    /// <summary>Keeps the current block (something refers to it) and starts the next one after it.</summary>
    public void EndBlock() => _blockStart = _length;

    /// <summary>Drops the current block's text: nothing refers to it.</summary>
    public void DiscardBlock() => _length = _blockStart;

    /// <summary>Empties the buffer for the next file.</summary>
    public void Clear() => _length = _blockStart = 0;

    public string ToString(CommentRef comment) => new(_chars, comment.Start, comment.Length);

    private void Reserve(int count)
    {
        if (_length + count > _chars.Length)
        {
            System.Array.Resize(ref _chars, System.Math.Max(_chars.Length * 2, _length + count));
        }
    }
}
