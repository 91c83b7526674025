using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Twirp.SourceGen.Diagnostics;
using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Parsing;

/// <summary>
/// A recursive-descent parser for the whole proto2, proto3 and editions grammar, producing a complete
/// <see cref="ProtoFileModel"/>. It never throws on bad input: each syntax error becomes one TWIRP001
/// diagnostic and the parser resynchronizes at the end of the statement (<c>;</c> or a whole
/// <c>{ ... }</c> block), as protoc does, so one typo gives one error.
/// </summary>
internal sealed class ProtoParser
{
    private readonly string _path;
    private readonly string _text;
    private readonly List<Token> _tokens;
    private readonly List<TokenComments?> _comments;
    private readonly CommentText _commentText;
    private readonly CommentRetention _commentRetention;
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private int _index;
    private int _lastErrorToken = -1;
    private int _depth;
    private readonly List<MessageMembers> _messageMembers = new();
    private EnumMembers? _enumMembers;
    private readonly List<ProtoOption> _bracketOptions = new();

    /// <summary>Lines with a lexical error: a parser error there is a consequence of it, not news.</summary>
    private readonly HashSet<int> _lexerErrorLines = new();

    /// <summary>Bounds recursion so hostile input cannot overflow the stack (which no catch can handle).</summary>
    private const int MaxNesting = 100;

    private ProtoSyntax _syntax = ProtoSyntax.Proto2;
    private string _edition = string.Empty;
    private string? _package;

    private ProtoParser(string path, ProtoLexer lexer, CommentRetention commentRetention)
    {
        _path = path;
        _commentRetention = commentRetention;
        _text = lexer.Text;
        _tokens = lexer.Tokens;
        _comments = lexer.Comments;
        _commentText = lexer.CommentText;
        foreach (var error in lexer.Errors)
        {
            _lexerErrorLines.Add(error.Span.Line);
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SyntaxError, error.Span.ToLocationInfo(path), error.Message));
        }
    }

    /// <summary>Parses one file. Bad input becomes diagnostics in the model; an unexpected failure becomes TWIRP099.</summary>
    /// <param name="commentRetention">Whose comments the model keeps: by default those of services and methods, which the emitters use.</param>
    public static ProtoFileModel Parse(string path, string text, CommentRetention commentRetention = CommentRetention.ServicesAndMethods)
    {
        try
        {
            var lexer = ProtoLexer.Tokenize(text);
            var file = new ProtoParser(path, lexer, commentRetention).ParseFile();
            lexer.Release();
            return file;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var diagnostic = DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, new ProtoSpan(0, 0, 0, 0, 0, 0).ToLocationInfo(path),
                path, exception.GetType().Name + ": " + exception.Message);
            return new ProtoFileModel(path, ProtoSyntax.Proto2, string.Empty, string.Empty, default, default, default, default, default, default,
                new[] { diagnostic }.ToEquatableArray());
        }
    }

    private Token Current => _tokens[_index];

    // ---- File ----

    private ProtoFileModel ParseFile()
    {
        var imports = new List<ProtoImport>();
        var options = new List<ProtoOption>();
        var messages = new List<ProtoMessage>();
        var enums = new List<ProtoEnum>();
        var services = new List<ProtoService>();
        var extends = new List<ProtoExtend>();

        var first = true;
        while (Current.Kind != TokenKind.EndOfFile)
        {
            var start = _index;
            try
            {
                if (TryConsume(";"))
                {
                }
                else if (IsKeyword("syntax") && Peek(1, "="))
                {
                    ParseSyntax(first);
                }
                else if (IsKeyword("edition") && Peek(1, "="))
                {
                    ParseEdition(first);
                }
                else if (IsKeyword("package"))
                {
                    ParsePackage();
                }
                else if (IsKeyword("import"))
                {
                    imports.Add(ParseImport());
                }
                else if (IsKeyword("option"))
                {
                    options.Add(ParseOptionStatement());
                }
                else if (IsKeyword("message") || IsVisibility("message"))
                {
                    messages.Add(ParseMessage());
                }
                else if (IsKeyword("enum") || IsVisibility("enum"))
                {
                    enums.Add(ParseEnum());
                }
                else if (IsKeyword("service"))
                {
                    services.Add(ParseService());
                }
                else if (IsKeyword("extend"))
                {
                    extends.Add(ParseExtend(messages));
                }
                else
                {
                    throw Error(Current, $"Expected a top-level statement ('message', 'enum', 'service', 'extend', 'import', 'package', 'option' or 'syntax') but found {Describe(Current)}");
                }
            }
            catch (ParseError)
            {
                Recover(start);
            }
            first = false;
        }

        return new ProtoFileModel(
            _path,
            _syntax,
            _edition,
            _package ?? string.Empty,
            imports.ToEquatableArray(),
            options.ToEquatableArray(),
            messages.ToEquatableArray(),
            enums.ToEquatableArray(),
            services.ToEquatableArray(),
            extends.ToEquatableArray(),
            _diagnostics.ToEquatableArray());
    }

    private void ParseSyntax(bool first)
    {
        var keyword = Next();
        if (!first)
        {
            Report(keyword, "'syntax' must be the first statement of the file; move it to the top");
        }
        Expect("=");
        var valueToken = Current;
        var value = ParseStringLiteral();
        switch (value)
        {
            case "proto2":
                _syntax = ProtoSyntax.Proto2;
                break;
            case "proto3":
                _syntax = ProtoSyntax.Proto3;
                break;
            default:
                Report(valueToken, $"Unknown syntax \"{value}\"; use \"proto2\" or \"proto3\", or 'edition = \"2023\";' for editions");
                break;
        }
        ExpectEnd();
    }

    private void ParseEdition(bool first)
    {
        var keyword = Next();
        if (!first)
        {
            Report(keyword, "'edition' must be the first statement of the file; move it to the top");
        }
        Expect("=");
        _edition = ParseStringLiteral();
        _syntax = ProtoSyntax.Editions;
        ExpectEnd();
    }

    private void ParsePackage()
    {
        var keyword = Next();
        if (_package is not null)
        {
            Report(keyword, "The file already has a 'package' statement; a file has at most one");
        }
        _package = ParseFullIdentifier();
        ExpectEnd();
    }

    private ProtoImport ParseImport()
    {
        Next();
        var kind = ImportKind.Default;
        if (IsKeyword("public") && Peek(1, TokenKind.String))
        {
            Next();
            kind = ImportKind.Public;
        }
        else if (IsKeyword("weak") && Peek(1, TokenKind.String))
        {
            Next();
            kind = ImportKind.Weak;
        }
        else if (IsKeyword("option") && Peek(1, TokenKind.String))
        {
            // Editions 2024's 'import option' loads a file for its options only.
            Next();
        }
        var pathToken = Current;
        var path = ParseStringLiteral();
        ExpectEnd();
        return new ProtoImport(path, kind, SpanBetween(pathToken, _tokens[_index - 2]));
    }

    // ---- Messages ----

    private ProtoMessage ParseMessage()
    {
        var nameToken = ParseDeclarationHead("message", "a message name", out var comments);
        return ParseMessageBody(Text(nameToken), ProtoMessageKind.Message, comments, nameToken.Span);
    }

    /// <summary>
    /// <c>[export|local] message|enum|service Name {</c>: returns the name token; the comments are the
    /// declaration's, from its first token and its opening brace.
    /// </summary>
    private Token ParseDeclarationHead(string keyword, string what, out ProtoComments comments)
    {
        var first = Next();
        if (!IsText(first, keyword))
        {
            // Edition 2024's 'export'/'local' only limits which files may use the type; C# names ignore it.
            Next();
        }
        var nameToken = ExpectIdentifier(what);
        var open = Expect("{");
        comments = keyword == "service" ? CommentsFor(first, open) : TypeCommentsFor(first, open);
        return nameToken;
    }

    /// <summary>Parses statements up to and including the closing brace; the opening one is consumed.</summary>
    private ProtoMessage ParseMessageBody(string name, ProtoMessageKind kind, ProtoComments comments, ProtoSpan nameSpan)
    {
        if (_depth >= MaxNesting)
        {
            // Deeper nesting than any real file has: stop before the stack does.
            throw Error(_tokens[_index - 1], $"Messages are nested more than {MaxNesting} levels deep; flatten them");
        }
        _depth++;
        try
        {
            return ParseMessageBodyCore(name, kind, comments, nameSpan);
        }
        finally
        {
            _depth--;
        }
    }

    private ProtoMessage ParseMessageBodyCore(string name, ProtoMessageKind kind, ProtoComments comments, ProtoSpan nameSpan)
    {
        var members = RentMessageMembers();
        ParseBlockBody("Message '{0}' is not closed; add '}'", name, members,
            static (parser, members) => parser.ParseMessageMember(members));
        var message = new ProtoMessage(
            name,
            kind,
            members.Fields.ToEquatableArray(),
            members.Oneofs.ToEquatableArray(),
            members.Messages.ToEquatableArray(),
            members.Enums.ToEquatableArray(),
            members.Extends.ToEquatableArray(),
            members.ExtensionRanges.ToEquatableArray(),
            members.ReservedRanges.ToEquatableArray(),
            members.ReservedNames.ToEquatableArray(),
            members.Options.ToEquatableArray(),
            comments,
            nameSpan);
        ReturnMessageMembers(members);
        return message;
    }

    private void ParseMessageMember(MessageMembers members)
    {
        if (IsKeyword("message") || IsVisibility("message"))
        {
            members.Messages.Add(ParseMessage());
        }
        else if (IsKeyword("enum") || IsVisibility("enum"))
        {
            members.Enums.Add(ParseEnum());
        }
        else if (IsKeyword("extensions"))
        {
            Next();
            ParseRanges(members.ExtensionRanges, null, allowNames: false, ProtoLimits.MaxFieldNumber);
            if (Is("["))
            {
                ParseBracketOptions();
            }
            ExpectEnd();
        }
        else if (IsKeyword("reserved"))
        {
            Next();
            ParseRanges(members.ReservedRanges, members.ReservedNames, allowNames: true, ProtoLimits.MaxFieldNumber);
            ExpectEnd();
        }
        else if (IsKeyword("extend"))
        {
            members.Extends.Add(ParseExtend(members.Messages));
        }
        else if (IsKeyword("option"))
        {
            members.Options.Add(ParseOptionStatement());
        }
        else if (IsKeyword("oneof"))
        {
            ParseOneof(members);
        }
        else
        {
            members.Fields.Add(ParseField(members.Messages, oneofIndex: -1));
        }
    }

    private void ParseOneof(MessageMembers members)
    {
        Next();
        var nameToken = ExpectIdentifier("a oneof name");
        Expect("{");
        var name = Text(nameToken);
        var index = members.Oneofs.Count;
        // Added before the body so the index is right even if the body has errors.
        members.Oneofs.Add(null!);
        var options = new List<ProtoOption>();
        ParseBlockBody("Oneof '{0}' is not closed; add '}'", name, (members, index, options),
            static (parser, state) =>
            {
                if (parser.IsKeyword("option"))
                {
                    state.options.Add(parser.ParseOptionStatement());
                }
                else
                {
                    state.members.Fields.Add(parser.ParseField(state.members.Messages, state.index));
                }
            });
        members.Oneofs[index] = new ProtoOneof(name, options.ToEquatableArray(), nameToken.Span);
    }

    /// <summary>
    /// A field, group or map field. Groups and maps also add the message protoc synthesizes for them to
    /// <paramref name="scopeMessages"/>, in declaration order, as protoc does.
    /// </summary>
    private ProtoField ParseField(List<ProtoMessage> scopeMessages, int oneofIndex)
    {
        var first = Current;
        var label = FieldLabel.None;
        if (IsKeyword("optional") && !Peek(1, "="))
        {
            label = FieldLabel.Optional;
        }
        else if (IsKeyword("required") && !Peek(1, "="))
        {
            label = FieldLabel.Required;
        }
        else if (IsKeyword("repeated") && !Peek(1, "="))
        {
            label = FieldLabel.Repeated;
        }
        if (label != FieldLabel.None)
        {
            Next();
        }

        if (IsKeyword("map") && Peek(1, "<"))
        {
            return ParseMapField(first, label, scopeMessages, oneofIndex);
        }
        if (IsKeyword("group") && Peek(1, TokenKind.Identifier))
        {
            return ParseGroup(first, label, scopeMessages, oneofIndex);
        }

        var typeStart = Current;
        var typeName = ParseTypeName();
        var typeSpan = SpanBetween(typeStart, _tokens[_index - 1]);
        var nameToken = ExpectIdentifier("a field name");
        Expect("=");
        var number = ParseFieldNumber();
        var options = Is("[") ? ParseBracketOptions() : EquatableArray<ProtoOption>.Empty;
        var end = ExpectEnd();
        var kind = ProtoLimits.IsScalarType(typeName) ? FieldKind.Scalar : FieldKind.Named;
        return new ProtoField(Text(nameToken), number, label, kind, typeName, oneofIndex, options, TypeCommentsFor(first, end), nameToken.Span, typeSpan);
    }

    private ProtoField ParseMapField(Token first, FieldLabel label, List<ProtoMessage> scopeMessages, int oneofIndex)
    {
        var mapToken = Next();
        if (label != FieldLabel.None)
        {
            Report(first, "A map field cannot have a label; remove it");
        }
        Expect("<");
        var keyStart = Current;
        var keyType = ParseTypeName();
        var keySpan = SpanBetween(keyStart, _tokens[_index - 1]);
        Expect(",");
        var valueStart = Current;
        var valueType = ParseTypeName();
        var valueSpan = SpanBetween(valueStart, _tokens[_index - 1]);
        var close = Expect(">");
        var nameToken = ExpectIdentifier("a field name");
        Expect("=");
        var number = ParseFieldNumber();
        var options = Is("[") ? ParseBracketOptions() : EquatableArray<ProtoOption>.Empty;
        var end = ExpectEnd();

        var name = Text(nameToken);
        var entryName = MapEntryName(name);
        var entryFields = new[]
        {
            new ProtoField("key", 1, FieldLabel.None, ProtoLimits.IsScalarType(keyType) ? FieldKind.Scalar : FieldKind.Named, keyType, -1,
                EquatableArray<ProtoOption>.Empty, ProtoComments.None, keySpan, keySpan),
            new ProtoField("value", 2, FieldLabel.None, ProtoLimits.IsScalarType(valueType) ? FieldKind.Scalar : FieldKind.Named, valueType, -1,
                EquatableArray<ProtoOption>.Empty, ProtoComments.None, valueSpan, valueSpan),
        };
        var entryOptions = new[] { new ProtoOption("map_entry", OptionValueKind.Identifier, "true", mapToken.Span) };
        scopeMessages.Add(new ProtoMessage(entryName, ProtoMessageKind.MapEntry, entryFields.ToEquatableArray(), default, default, default, default,
            default, default, default, entryOptions.ToEquatableArray(), ProtoComments.None, nameToken.Span));
        return new ProtoField(name, number, FieldLabel.Repeated, FieldKind.Map, entryName, oneofIndex, options, TypeCommentsFor(first, end),
            nameToken.Span, SpanBetween(mapToken, close));
    }

    private ProtoField ParseGroup(Token first, FieldLabel label, List<ProtoMessage> scopeMessages, int oneofIndex)
    {
        Next();
        var nameToken = ExpectIdentifier("a group name");
        var name = Text(nameToken);
        if (!(name[0] >= 'A' && name[0] <= 'Z'))
        {
            Report(nameToken, $"Group name '{name}' must start with a capital letter");
        }
        Expect("=");
        var number = ParseFieldNumber();
        var options = Is("[") ? ParseBracketOptions() : EquatableArray<ProtoOption>.Empty;
        var open = Expect("{");
        var comments = TypeCommentsFor(first, open);
        // protoc names the field after the group, lowercased, and the group's message after the group.
        scopeMessages.Add(ParseMessageBody(name, ProtoMessageKind.Group, comments, nameToken.Span));
        return new ProtoField(name.ToLowerInvariant(), number, label, FieldKind.Group, name, oneofIndex, options, comments, nameToken.Span, nameToken.Span);
    }

    /// <summary>protoc's <c>MapEntryName</c>: <c>my_field</c> becomes <c>MyFieldEntry</c>.</summary>
    internal static string MapEntryName(string fieldName)
    {
        var result = new StringBuilder(fieldName.Length + 5);
        var capitalizeNext = true;
        foreach (var c in fieldName)
        {
            if (c == '_')
            {
                capitalizeNext = true;
            }
            else if (capitalizeNext)
            {
                result.Append(c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c);
                capitalizeNext = false;
            }
            else
            {
                result.Append(c);
            }
        }
        return result.Append("Entry").ToString();
    }

    private int ParseFieldNumber()
    {
        var token = Current;
        if (token.Kind != TokenKind.Integer)
        {
            throw Error(token, $"Expected a field number but found {Describe(token)}");
        }
        Next();
        if (!TryParseInteger(token, out var value) || value > int.MaxValue)
        {
            Report(token, "The field number is too large; use a number from 1 to 536870911");
            return 0;
        }
        return (int)value;
    }

    /// <summary>Reserved or extension ranges: <c>1, 5 to 10, 100 to max</c>; reserved also takes names.</summary>
    private void ParseRanges(List<ProtoRange> ranges, List<string>? names, bool allowNames, int max)
    {
        do
        {
            if (allowNames && Current.Kind == TokenKind.String)
            {
                names!.Add(ParseStringLiteral());
            }
            else if (allowNames && Current.Kind == TokenKind.Identifier)
            {
                // Editions write reserved names as identifiers.
                names!.Add(Text(Next()));
            }
            else
            {
                var start = ParseRangeBound(allowMax: false, max);
                var end = start;
                if (IsKeyword("to"))
                {
                    Next();
                    end = ParseRangeBound(allowMax: true, max);
                }
                ranges.Add(new ProtoRange(start, end));
            }
        }
        while (TryConsume(","));
    }

    private int ParseRangeBound(bool allowMax, int max)
    {
        if (allowMax && IsKeyword("max"))
        {
            Next();
            return max;
        }
        var negative = TryConsume("-");
        var token = Current;
        if (token.Kind != TokenKind.Integer)
        {
            throw Error(token, $"Expected a field number{(allowMax ? " or 'max'" : string.Empty)} but found {Describe(token)}");
        }
        Next();
        if (!TryParseInteger(token, out var value) || value > int.MaxValue)
        {
            Report(token, "The number is too large for a field number range");
            return 0;
        }
        return negative ? -(int)value : (int)value;
    }

    private ProtoExtend ParseExtend(List<ProtoMessage> scopeMessages)
    {
        Next();
        var typeStart = Current;
        var extendee = ParseTypeName();
        var extendeeSpan = SpanBetween(typeStart, _tokens[_index - 1]);
        Expect("{");
        var fields = new List<ProtoField>();
        ParseBlockBody("'extend {0}' is not closed; add '}'", extendee, (fields, scopeMessages),
            static (parser, state) => state.fields.Add(parser.ParseField(state.scopeMessages, oneofIndex: -1)));
        return new ProtoExtend(extendee, fields.ToEquatableArray(), extendeeSpan);
    }

    // ---- Enums ----

    private ProtoEnum ParseEnum()
    {
        var nameToken = ParseDeclarationHead("enum", "an enum name", out var comments);
        var name = Text(nameToken);
        var members = _enumMembers ??= new EnumMembers();
        members.Clear();
        ParseBlockBody("Enum '{0}' is not closed; add '}'", name, members, static (parser, members) => parser.ParseEnumMember(members));
        return new ProtoEnum(name, members.Values.ToEquatableArray(), members.ReservedRanges.ToEquatableArray(),
            members.ReservedNames.ToEquatableArray(), members.Options.ToEquatableArray(), comments, nameToken.Span);
    }

    private void ParseEnumMember(EnumMembers members)
    {
        if (IsKeyword("option") && !Peek(1, "="))
        {
            members.Options.Add(ParseOptionStatement());
            return;
        }
        if (IsKeyword("reserved") && !Peek(1, "="))
        {
            Next();
            ParseRanges(members.ReservedRanges, members.ReservedNames, allowNames: true, int.MaxValue);
            ExpectEnd();
            return;
        }
        var valueName = ExpectIdentifier("an enum value name");
        Expect("=");
        var negative = TryConsume("-");
        var numberToken = Current;
        if (numberToken.Kind != TokenKind.Integer)
        {
            throw Error(numberToken, $"Expected an integer for enum value '{Text(valueName)}' but found {Describe(numberToken)}");
        }
        Next();
        var number = 0;
        if (!TryParseInteger(numberToken, out var magnitude) || magnitude > (negative ? 2147483648UL : int.MaxValue))
        {
            Report(numberToken, $"Enum value '{Text(valueName)}' is out of the 32-bit integer range");
        }
        else
        {
            number = negative ? (int)(-(long)magnitude) : (int)magnitude;
        }
        var valueOptions = Is("[") ? ParseBracketOptions() : EquatableArray<ProtoOption>.Empty;
        ExpectEnd();
        members.Values.Add(new ProtoEnumValue(Text(valueName), number, valueOptions, valueName.Span));
    }

    // ---- Services ----

    private ProtoService ParseService()
    {
        var nameToken = ParseDeclarationHead("service", "a service name", out var comments);
        var name = Text(nameToken);
        var methods = new List<ProtoMethod>();
        var options = new List<ProtoOption>();
        ParseBlockBody("Service '{0}' is not closed; add '}'", name, (methods, options, name),
            static (parser, state) =>
            {
                if (parser.IsKeyword("option"))
                {
                    state.options.Add(parser.ParseOptionStatement());
                }
                else if (parser.IsKeyword("rpc"))
                {
                    state.methods.Add(parser.ParseMethod());
                }
                else
                {
                    throw parser.Error(parser.Current,
                        $"Expected 'rpc' or 'option' in service '{state.name}' but found {parser.Describe(parser.Current)}");
                }
            });
        return new ProtoService(name, methods.ToEquatableArray(), options.ToEquatableArray(), comments, nameToken.Span);
    }

    private ProtoMethod ParseMethod()
    {
        var keyword = Next();
        var nameToken = ExpectIdentifier("a method name");
        Expect("(");
        var clientStreaming = IsKeyword("stream") && !Peek(1, ")") && TryConsume("stream");
        var inputStart = Current;
        var input = ParseTypeName();
        var inputSpan = SpanBetween(inputStart, _tokens[_index - 1]);
        Expect(")");
        if (!IsKeyword("returns"))
        {
            throw Error(Current, $"Expected 'returns' after the request type of '{Text(nameToken)}' but found {Describe(Current)}");
        }
        Next();
        Expect("(");
        var serverStreaming = IsKeyword("stream") && !Peek(1, ")") && TryConsume("stream");
        var outputStart = Current;
        var output = ParseTypeName();
        var outputSpan = SpanBetween(outputStart, _tokens[_index - 1]);
        Expect(")");

        var name = Text(nameToken);
        var options = new List<ProtoOption>();
        Token end;
        if (Is("{"))
        {
            end = Next();
            ParseBlockBody("Method '{0}' is not closed; add '}'", name, (options, name),
                static (parser, state) =>
                {
                    if (!parser.IsKeyword("option"))
                    {
                        throw parser.Error(parser.Current, $"Expected 'option' in method '{state.name}' but found {parser.Describe(parser.Current)}");
                    }
                    state.options.Add(parser.ParseOptionStatement());
                });
        }
        else
        {
            end = ExpectEnd();
        }
        return new ProtoMethod(name, input, output, clientStreaming, serverStreaming, options.ToEquatableArray(),
            CommentsFor(keyword, end), nameToken.Span, inputSpan, outputSpan);
    }

    // ---- Blocks ----

    /// <summary>
    /// Reads a block's members up to and including the closing brace (the opening one is consumed): empty
    /// statements are skipped, a broken member is reported and skipped to its end so the next one still
    /// parses, and a file that ends inside the block gets <paramref name="notClosed"/>, a format whose
    /// <c>{0}</c> is <paramref name="name"/>. <paramref name="parseMember"/> is a static lambda and
    /// <paramref name="state"/> holds what it fills, so a block costs no delegate or closure.
    /// </summary>
    private void ParseBlockBody<TState>(string notClosed, string name, TState state, Action<ProtoParser, TState> parseMember)
    {
        while (!TryConsume("}"))
        {
            if (Current.Kind == TokenKind.EndOfFile)
            {
                Report(Current, notClosed.Replace("{0}", name));
                break;
            }
            var start = _index;
            try
            {
                if (!TryConsume(";"))
                {
                    parseMember(this, state);
                }
            }
            catch (ParseError)
            {
                Recover(start);
            }
        }
    }

    /// <summary>What a message body collects. Bodies nest, so there is one set per nesting level, reused across messages.</summary>
    private sealed class MessageMembers
    {
        public readonly List<ProtoField> Fields = new();
        public readonly List<ProtoOneof> Oneofs = new();
        public readonly List<ProtoMessage> Messages = new();
        public readonly List<ProtoEnum> Enums = new();
        public readonly List<ProtoExtend> Extends = new();
        public readonly List<ProtoRange> ExtensionRanges = new();
        public readonly List<ProtoRange> ReservedRanges = new();
        public readonly List<string> ReservedNames = new();
        public readonly List<ProtoOption> Options = new();

        public void Clear()
        {
            Fields.Clear();
            Oneofs.Clear();
            Messages.Clear();
            Enums.Clear();
            Extends.Clear();
            ExtensionRanges.Clear();
            ReservedRanges.Clear();
            ReservedNames.Clear();
            Options.Clear();
        }
    }

    /// <summary>What an enum body collects; enums hold no nested blocks, so one set serves the file.</summary>
    private sealed class EnumMembers
    {
        public readonly List<ProtoEnumValue> Values = new();
        public readonly List<ProtoRange> ReservedRanges = new();
        public readonly List<string> ReservedNames = new();
        public readonly List<ProtoOption> Options = new();

        public void Clear()
        {
            Values.Clear();
            ReservedRanges.Clear();
            ReservedNames.Clear();
            Options.Clear();
        }
    }

    private MessageMembers RentMessageMembers()
    {
        // _depth is already this body's level (1 for a top-level message).
        while (_messageMembers.Count < _depth)
        {
            _messageMembers.Add(new MessageMembers());
        }
        var members = _messageMembers[_depth - 1];
        members.Clear();
        return members;
    }

    private static void ReturnMessageMembers(MessageMembers members) => members.Clear();

    // ---- Options ----

    /// <summary><c>option name = value;</c></summary>
    private ProtoOption ParseOptionStatement()
    {
        Next();
        var option = ParseOption();
        ExpectEnd();
        return option;
    }

    /// <summary><c>[name = value, ...]</c> after a field or enum value.</summary>
    private EquatableArray<ProtoOption> ParseBracketOptions()
    {
        // Bracketed options never nest (an aggregate value is kept as text), so one list serves them all.
        var options = _bracketOptions;
        options.Clear();
        Expect("[");
        do
        {
            options.Add(ParseOption());
        }
        while (TryConsume(","));
        Expect("]");
        return options.ToEquatableArray();
    }

    private ProtoOption ParseOption()
    {
        var from = _index;
        while (true)
        {
            if (TryConsume("("))
            {
                TryConsume(".");
                SkipFullIdentifier();
                Expect(")");
            }
            else
            {
                ExpectIdentifier("an option name");
            }
            if (!TryConsume("."))
            {
                break;
            }
        }
        // The name as written, with parentheses and dots: exactly its tokens' text.
        var name = JoinTokens(from, _index);
        var span = SpanBetween(_tokens[from], _tokens[_index - 1]);
        Expect("=");
        return ParseOptionValue(name, span);
    }

    private ProtoOption ParseOptionValue(string name, ProtoSpan span)
    {
        var token = Current;
        if (Is("{"))
        {
            var open = Next();
            var depth = 1;
            while (depth > 0)
            {
                var inner = Current;
                if (inner.Kind == TokenKind.EndOfFile)
                {
                    throw Error(open, $"The value of option '{name}' is not closed; add '}}'");
                }
                Next();
                if (inner.Kind == TokenKind.Symbol)
                {
                    if (IsText(inner, "{"))
                    {
                        depth++;
                    }
                    else if (IsText(inner, "}"))
                    {
                        depth--;
                    }
                }
            }
            // The text between the braces, trimmed, cut once.
            var start = open.Start + 1;
            var end = _tokens[_index - 1].Start;
            while (start < end && char.IsWhiteSpace(_text[start]))
            {
                start++;
            }
            while (end > start && char.IsWhiteSpace(_text[end - 1]))
            {
                end--;
            }
            return new ProtoOption(name, OptionValueKind.Aggregate, _text.Substring(start, end - start), span);
        }
        var sign = string.Empty;
        if (Is("-") || Is("+"))
        {
            sign = IsText(Next(), "-") ? "-" : string.Empty;
            token = Current;
        }
        switch (token.Kind)
        {
            case TokenKind.Identifier:
                Next();
                return new ProtoOption(name, OptionValueKind.Identifier, sign + Text(token), span);
            case TokenKind.Integer:
                Next();
                if (!TryParseInteger(token, out var integer))
                {
                    Report(token, $"The value of option '{name}' is too large for a 64-bit integer");
                }
                return new ProtoOption(name, OptionValueKind.Integer, sign + integer.ToString(CultureInfo.InvariantCulture), span);
            case TokenKind.Float:
                Next();
                return new ProtoOption(name, OptionValueKind.Float, sign + Text(token), span);
            case TokenKind.String:
                return new ProtoOption(name, OptionValueKind.String, ParseStringLiteral(), span);
            default:
                throw Error(token, $"Expected a value for option '{name}' but found {Describe(token)}");
        }
    }

    // ---- Names and literals ----

    /// <summary>A type reference: <c>Foo</c>, <c>pkg.Foo.Bar</c> or fully qualified <c>.pkg.Foo</c>.</summary>
    private string ParseTypeName()
    {
        var from = _index;
        TryConsume(".");
        SkipFullIdentifier();
        return JoinTokens(from, _index);
    }

    /// <summary><c>ident { "." ident }</c>; tokens may be separated by whitespace, as protoc allows.</summary>
    private string ParseFullIdentifier()
    {
        var from = _index;
        SkipFullIdentifier();
        return JoinTokens(from, _index);
    }

    private void SkipFullIdentifier()
    {
        ExpectIdentifier("a name");
        while (Is(".") && Peek(1, TokenKind.Identifier))
        {
            _index += 2;
        }
    }

    /// <summary>
    /// The text of tokens <paramref name="from"/> up to <paramref name="to"/> joined without what lies
    /// between them (whitespace, comments), as protoc reads a dotted name. Almost always nothing does, and
    /// the name is the source text, shared through the <see cref="NameTable"/>.
    /// </summary>
    private string JoinTokens(int from, int to)
    {
        var first = _tokens[from];
        var last = _tokens[to - 1];
        var length = 0;
        for (var i = from; i < to; i++)
        {
            length += _tokens[i].Length;
        }
        if (length == last.Start + last.Length - first.Start)
        {
            return NameTable.Get(_text, first.Start, length);
        }
        var builder = new StringBuilder(length);
        for (var i = from; i < to; i++)
        {
            builder.Append(_text, _tokens[i].Start, _tokens[i].Length);
        }
        return builder.ToString();
    }

    /// <summary>One or more adjacent string literals (protoc concatenates them), unescaped.</summary>
    private string ParseStringLiteral()
    {
        var token = Current;
        if (token.Kind != TokenKind.String)
        {
            throw Error(token, $"Expected a quoted string but found {Describe(token)}");
        }
        Next();
        var value = Unescape(token);
        if (Current.Kind != TokenKind.String)
        {
            return value;
        }
        var builder = new StringBuilder(value);
        while (Current.Kind == TokenKind.String)
        {
            builder.Append(Unescape(Next()));
        }
        return builder.ToString();
    }

    /// <summary>Decodes a string literal's C escapes (<c>\n</c>, octal, <c>\x</c>, <c>\u</c>, <c>\U</c>); bytes are read as UTF-8.</summary>
    private string Unescape(Token token)
    {
        var start = token.Start + 1;
        var end = token.Start + token.Length;
        if (end > start && (_text[end - 1] == '"' || _text[end - 1] == '\'') && end - 1 >= start)
        {
            end--;
        }
        var backslash = _text.IndexOf('\\', start, end - start);
        if (backslash < 0)
        {
            return NameTable.Get(_text, start, end - start);
        }

        var bytes = new List<byte>(end - start);
        var encoded = new byte[4];
        for (var i = start; i < end; i++)
        {
            var c = _text[i];
            if (c != '\\' || i + 1 >= end)
            {
                AppendUtf8(bytes, encoded, c, i + 1 < end ? _text[i + 1] : '\0', ref i);
                continue;
            }
            var e = _text[++i];
            switch (e)
            {
                case 'a': bytes.Add(7); break;
                case 'b': bytes.Add(8); break;
                case 'f': bytes.Add(12); break;
                case 'n': bytes.Add(10); break;
                case 'r': bytes.Add(13); break;
                case 't': bytes.Add(9); break;
                case 'v': bytes.Add(11); break;
                case 'x':
                case 'X':
                {
                    var value = 0;
                    var digits = 0;
                    while (digits < 2 && i + 1 < end && HexValue(_text[i + 1]) >= 0)
                    {
                        value = value * 16 + HexValue(_text[++i]);
                        digits++;
                    }
                    if (digits == 0)
                    {
                        Report(token, "'\\x' must be followed by one or two hex digits");
                    }
                    bytes.Add((byte)value);
                    break;
                }
                case 'u':
                case 'U':
                {
                    var length = e == 'u' ? 4 : 8;
                    var value = 0;
                    var digits = 0;
                    while (digits < length && i + 1 < end && HexValue(_text[i + 1]) >= 0)
                    {
                        value = value * 16 + HexValue(_text[++i]);
                        digits++;
                    }
                    if (digits < length || value > 0x10FFFF)
                    {
                        Report(token, $"'\\{e}' must be followed by {length} hex digits naming a Unicode code point");
                        break;
                    }
                    var text = value >= 0xD800 && value <= 0xDFFF ? "\uFFFD" : char.ConvertFromUtf32(value);
                    bytes.AddRange(Encoding.UTF8.GetBytes(text));
                    break;
                }
                default:
                    if (e >= '0' && e <= '7')
                    {
                        var value = e - '0';
                        var digits = 1;
                        while (digits < 3 && i + 1 < end && _text[i + 1] >= '0' && _text[i + 1] <= '7')
                        {
                            value = value * 8 + (_text[++i] - '0');
                            digits++;
                        }
                        bytes.Add((byte)value);
                    }
                    else if (e == '\\' || e == '\'' || e == '"' || e == '?')
                    {
                        bytes.Add((byte)e);
                    }
                    else
                    {
                        Report(token, $"Unknown escape '\\{e}' in a string; write '\\\\' for a backslash");
                        AppendUtf8(bytes, encoded, e, i + 1 < end ? _text[i + 1] : '\0', ref i);
                    }
                    break;
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static void AppendUtf8(List<byte> bytes, byte[] buffer, char c, char next, ref int index)
    {
        if (c < 0x80)
        {
            bytes.Add((byte)c);
            return;
        }
        int count;
        if (char.IsHighSurrogate(c) && char.IsLowSurrogate(next))
        {
            count = Encoding.UTF8.GetBytes(new[] { c, next }, 0, 2, buffer, 0);
            index++;
        }
        else
        {
            count = Encoding.UTF8.GetBytes(new[] { c }, 0, 1, buffer, 0);
        }
        for (var i = 0; i < count; i++)
        {
            bytes.Add(buffer[i]);
        }
    }

    private static int HexValue(char c) =>
        c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

    /// <summary>Reads a decimal, hex (<c>0x</c>) or octal (<c>0</c>) integer token; false when it overflows 64 bits.</summary>
    private bool TryParseInteger(Token token, out ulong value)
    {
        value = 0;
        var i = token.Start;
        var end = token.Start + token.Length;
        var radix = 10u;
        if (token.Length > 1 && _text[i] == '0')
        {
            if (_text[i + 1] == 'x' || _text[i + 1] == 'X')
            {
                radix = 16;
                i += 2;
            }
            else
            {
                radix = 8;
                i++;
            }
        }
        for (; i < end; i++)
        {
            var digit = HexValue(_text[i]);
            if (digit < 0 || digit >= radix)
            {
                return false;
            }
            var next = value * radix + (uint)digit;
            if (value > (ulong.MaxValue - (uint)digit) / radix)
            {
                value = 0;
                return false;
            }
            value = next;
        }
        return true;
    }

    // ---- Comments and spans ----

    /// <summary>
    /// A declaration's comments as protoc's SourceCodeInfo records them: leading and detached from its
    /// first token, trailing from after the token that ends its first line (<c>;</c> or <c>{</c>).
    /// </summary>
    /// <summary>
    /// The comments of a message, enum or field: kept only with <see cref="CommentRetention.All"/>, because the
    /// emitters document services and methods only, and Google's APIs are about half comments.
    /// </summary>
    private ProtoComments TypeCommentsFor(Token first, Token end) =>
        _commentRetention == CommentRetention.All ? CommentsFor(first, end) : ProtoComments.None;

    private ProtoComments CommentsFor(Token first, Token end)
    {
        var firstComments = CommentsAt(first);
        var endComments = CommentsAt(end);
        // protoc records a leading or trailing comment only when it has text ("/**/" has none).
        var leading = firstComments?.Leading is { Length: > 0 } l ? _commentText.ToString(l) : null;
        var trailing = endComments?.Trailing is { Length: > 0 } t ? _commentText.ToString(t) : null;
        var detached = firstComments?.Detached;
        if (leading is null && trailing is null && detached is null)
        {
            return ProtoComments.None;
        }
        return new ProtoComments(leading, trailing, detached is null ? EquatableArray<string>.Empty : DetachedText(detached));
    }

    private EquatableArray<string> DetachedText(List<CommentRef> detached)
    {
        var builder = ImmutableArray.CreateBuilder<string>(detached.Count);
        foreach (var comment in detached)
        {
            builder.Add(_commentText.ToString(comment));
        }
        return new EquatableArray<string>(builder.MoveToImmutable());
    }

    private TokenComments? CommentsAt(Token token)
    {
        // Tokens are found by position: the list is sorted by start.
        var low = 0;
        var high = _tokens.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >> 1;
            var start = _tokens[mid].Start;
            if (start == token.Start && _tokens[mid].Kind == token.Kind)
            {
                return _comments[mid];
            }
            if (start < token.Start)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return null;
    }

    private static ProtoSpan SpanBetween(Token first, Token last) =>
        new(first.Start, last.Start + last.Length - first.Start, first.Line, first.Column, last.EndLine, last.EndColumn);

    // ---- Token helpers ----

    /// <summary>A token's text; names repeat, so they come from the <see cref="NameTable"/>.</summary>
    private string Text(Token token) => NameTable.Get(_text, token.Start, token.Length);

    private bool IsText(Token token, string text) =>
        token.Length == text.Length && string.CompareOrdinal(_text, token.Start, text, 0, text.Length) == 0;

    private bool Is(string text)
    {
        var token = Current;
        return token.Kind is TokenKind.Symbol or TokenKind.Identifier && IsText(token, text);
    }

    /// <summary>Edition 2024's symbol visibility: <c>export message</c>, <c>local enum</c>.</summary>
    private bool IsVisibility(string declaration) => (IsKeyword("export") || IsKeyword("local")) && Peek(1, declaration);

    private bool IsKeyword(string keyword) => Current.Kind == TokenKind.Identifier && IsText(Current, keyword);

    private bool Peek(int offset, string text)
    {
        var index = Math.Min(_index + offset, _tokens.Count - 1);
        var token = _tokens[index];
        return token.Kind is TokenKind.Symbol or TokenKind.Identifier && IsText(token, text);
    }

    private bool Peek(int offset, TokenKind kind) => _tokens[Math.Min(_index + offset, _tokens.Count - 1)].Kind == kind;

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
        if (Is(text))
        {
            _index++;
            return true;
        }
        return false;
    }

    private Token Expect(string text)
    {
        if (!Is(text))
        {
            throw Error(Current, $"Expected '{text}' but found {Describe(Current)}");
        }
        return Next();
    }

    /// <summary>The <c>;</c> that ends a statement.</summary>
    private Token ExpectEnd()
    {
        if (!Is(";"))
        {
            // Point just after the previous token, where the ';' belongs, as compilers do.
            var previous = _tokens[Math.Max(_index - 1, 0)];
            var at = _index > 0 && Current.Line != previous.EndLine
                ? new Token(TokenKind.Symbol, previous.Start + previous.Length, 0, previous.EndLine, previous.EndColumn)
                : Current;
            throw Error(at, $"Expected ';' but found {Describe(Current)}");
        }
        return Next();
    }

    private Token ExpectIdentifier(string what)
    {
        if (Current.Kind != TokenKind.Identifier)
        {
            throw Error(Current, $"Expected {what} but found {Describe(Current)}");
        }
        return Next();
    }

    private string Describe(Token token) => token.Kind switch
    {
        TokenKind.EndOfFile => "the end of the file",
        TokenKind.String => "a string",
        _ => "'" + (token.Length > 40 ? _text.Substring(token.Start, 40) + "..." : Text(token)) + "'",
    };

    /// <summary>Skips the rest of a broken statement, as protoc's <c>SkipStatement</c>: to a <c>;</c>, over a whole block, or up to the <c>}</c> that closes the enclosing one.</summary>
    private void Recover(int statementStart)
    {
        if (_index == statementStart && Current.Kind != TokenKind.EndOfFile && !Is("}"))
        {
            // Always make progress, so a stray token cannot loop.
            Next();
        }
        while (Current.Kind != TokenKind.EndOfFile)
        {
            if (Current.Kind == TokenKind.Symbol)
            {
                if (TryConsume(";"))
                {
                    return;
                }
                if (TryConsume("{"))
                {
                    SkipRestOfBlock();
                    return;
                }
                if (Is("}"))
                {
                    if (_index == statementStart)
                    {
                        Next();
                    }
                    return;
                }
            }
            Next();
        }
    }

    private void SkipRestOfBlock()
    {
        var depth = 1;
        while (Current.Kind != TokenKind.EndOfFile)
        {
            var token = Next();
            if (token.Kind == TokenKind.Symbol)
            {
                if (IsText(token, "}") && --depth == 0)
                {
                    return;
                }
                if (IsText(token, "{"))
                {
                    depth++;
                }
            }
        }
    }

    private ParseError Error(Token token, string message)
    {
        Report(token, message);
        return new ParseError();
    }

    /// <summary>Records a syntax error; a second error at the same token is dropped so one typo gives one error.</summary>
    private void Report(Token token, string message)
    {
        var tokenIndex = _index;
        if (tokenIndex == _lastErrorToken || _lexerErrorLines.Contains(token.Line))
        {
            return;
        }
        _lastErrorToken = tokenIndex;
        _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SyntaxError, token.Span.ToLocationInfo(_path), message));
    }

    /// <summary>Unwinds to the statement being parsed; the error is already reported.</summary>
    private sealed class ParseError : Exception
    {
    }
}
