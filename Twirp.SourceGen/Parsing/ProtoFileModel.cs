using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Parsing;

/// <summary>Which language a <c>.proto</c> file is written in.</summary>
internal enum ProtoSyntax : byte
{
    /// <summary>No <c>syntax</c> statement: protoc reads such files as proto2.</summary>
    Proto2,
    Proto3,
    Editions,
}

/// <summary>
/// One parsed <c>.proto</c> file, complete and value-equatable: what the symbol table and the service
/// models are built from. Names are as written; full names are computed by the symbol table because a
/// <c>package</c> statement may come after the declarations it names.
/// </summary>
internal sealed record ProtoFileModel(
    string Path,
    ProtoSyntax Syntax,
    string Edition,
    string Package,
    EquatableArray<ProtoImport> Imports,
    EquatableArray<ProtoOption> Options,
    EquatableArray<ProtoMessage> Messages,
    EquatableArray<ProtoEnum> Enums,
    EquatableArray<ProtoService> Services,
    EquatableArray<ProtoExtend> Extends,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>The <c>csharp_namespace</c> file option, or null when the file has none.</summary>
    public string? CSharpNamespaceOption => ProtoOption.FindString(Options, "csharp_namespace");
}

/// <summary>Which declarations' comments a parsed model keeps.</summary>
internal enum CommentRetention : byte
{
    /// <summary>Services' and methods': the only ones the emitters turn into XML docs.</summary>
    ServicesAndMethods,

    /// <summary>Every declaration's protoc records (messages, enums and fields too), e.g. to compare with protoc's descriptors.</summary>
    All,
}

internal enum ImportKind : byte
{
    Default,
    Public,
    Weak,
}

/// <summary>An <c>import</c> statement: the path as written (after unescaping) and where it is.</summary>
internal sealed record ProtoImport(string Path, ImportKind Kind, ProtoSpan Span);

internal enum OptionValueKind : byte
{
    /// <summary>An identifier: <c>true</c>, <c>false</c>, an enum value, <c>inf</c>, <c>nan</c> (with a leading <c>-</c> when negated).</summary>
    Identifier,
    Integer,
    Float,
    String,
    /// <summary>A text-format message in braces, kept as its source text.</summary>
    Aggregate,
}

/// <summary>
/// An option at any level, as data: <c>Name</c> as written with parentheses around extension parts
/// (<c>deprecated</c>, <c>(google.api.http).get</c>), and the value. Unknown options are carried, not rejected.
/// </summary>
internal sealed record ProtoOption(string Name, OptionValueKind Kind, string Value, ProtoSpan Span)
{
    public static string? FindString(EquatableArray<ProtoOption> options, string name)
    {
        foreach (var option in options)
        {
            if (option.Kind == OptionValueKind.String && option.Name == name)
            {
                return option.Value;
            }
        }
        return null;
    }

    /// <summary>Whether <c>option deprecated = true</c> (or the field option <c>[deprecated = true]</c>) is set.</summary>
    public static bool IsDeprecated(EquatableArray<ProtoOption> options)
    {
        var deprecated = false;
        foreach (var option in options)
        {
            if (option.Name == "deprecated" && option.Kind == OptionValueKind.Identifier)
            {
                deprecated = option.Value == "true";
            }
        }
        return deprecated;
    }
}

/// <summary>
/// The comments protoc's SourceCodeInfo attaches to a declaration: the block right before it, the one
/// right after its first line (after <c>;</c> or <c>{</c>), and blocks separated from it by blank lines.
/// Text is as protoc keeps it: without the comment markers, one string per block, lines ending in <c>\n</c>.
/// </summary>
internal sealed record ProtoComments(string? Leading, string? Trailing, EquatableArray<string> Detached)
{
    public static readonly ProtoComments None = new(null, null, EquatableArray<string>.Empty);
}

internal enum ProtoMessageKind : byte
{
    Message,
    /// <summary>The message a proto2 <c>group</c> declares.</summary>
    Group,
    /// <summary>The <c>XxxEntry</c> message protoc synthesizes for a <c>map&lt;K, V&gt;</c> field.</summary>
    MapEntry,
}

internal sealed record ProtoMessage(
    string Name,
    ProtoMessageKind Kind,
    EquatableArray<ProtoField> Fields,
    EquatableArray<ProtoOneof> Oneofs,
    EquatableArray<ProtoMessage> Messages,
    EquatableArray<ProtoEnum> Enums,
    EquatableArray<ProtoExtend> Extends,
    EquatableArray<ProtoRange> ExtensionRanges,
    EquatableArray<ProtoRange> ReservedRanges,
    EquatableArray<string> ReservedNames,
    EquatableArray<ProtoOption> Options,
    ProtoComments Comments,
    ProtoSpan NameSpan);

internal enum FieldLabel : byte
{
    None,
    Optional,
    Required,
    Repeated,
}

internal enum FieldKind : byte
{
    /// <summary>A scalar such as <c>int32</c> or <c>string</c>.</summary>
    Scalar,
    /// <summary>A message or enum, by the name written in the file.</summary>
    Named,
    /// <summary>A proto2 group; <see cref="ProtoField.TypeName"/> is the group's message name.</summary>
    Group,
    /// <summary>A map; <see cref="ProtoField.TypeName"/> is the synthesized entry message's name.</summary>
    Map,
}

/// <summary>A field of a message, a oneof member or an extension.</summary>
/// <param name="OneofIndex">Index into the message's <see cref="ProtoMessage.Oneofs"/>, or -1.</param>
internal sealed record ProtoField(
    string Name,
    int Number,
    FieldLabel Label,
    FieldKind Kind,
    string TypeName,
    int OneofIndex,
    EquatableArray<ProtoOption> Options,
    ProtoComments Comments,
    ProtoSpan NameSpan,
    ProtoSpan TypeSpan);

internal sealed record ProtoOneof(string Name, EquatableArray<ProtoOption> Options, ProtoSpan NameSpan);

/// <summary>A number range, both ends inclusive (<c>max</c> is 536870911 for fields, 2147483647 for enums).</summary>
internal readonly record struct ProtoRange(int Start, int End);

internal sealed record ProtoEnum(
    string Name,
    EquatableArray<ProtoEnumValue> Values,
    EquatableArray<ProtoRange> ReservedRanges,
    EquatableArray<string> ReservedNames,
    EquatableArray<ProtoOption> Options,
    ProtoComments Comments,
    ProtoSpan NameSpan);

internal sealed record ProtoEnumValue(string Name, int Number, EquatableArray<ProtoOption> Options, ProtoSpan NameSpan);

/// <summary>An <c>extend</c> block: the extended message as written and the extension fields.</summary>
internal sealed record ProtoExtend(string Extendee, EquatableArray<ProtoField> Fields, ProtoSpan ExtendeeSpan);

internal sealed record ProtoService(
    string Name,
    EquatableArray<ProtoMethod> Methods,
    EquatableArray<ProtoOption> Options,
    ProtoComments Comments,
    ProtoSpan NameSpan)
{
    public bool IsDeprecated => ProtoOption.IsDeprecated(Options);
}

/// <summary>An rpc; the types are as written (relative or <c>.</c>-qualified).</summary>
internal sealed record ProtoMethod(
    string Name,
    string InputType,
    string OutputType,
    bool ClientStreaming,
    bool ServerStreaming,
    EquatableArray<ProtoOption> Options,
    ProtoComments Comments,
    ProtoSpan NameSpan,
    ProtoSpan InputTypeSpan,
    ProtoSpan OutputTypeSpan)
{
    public bool IsDeprecated => ProtoOption.IsDeprecated(Options);

    /// <summary><c>option idempotency_level = ...;</c> (the last one written wins, as with <c>deprecated</c>).</summary>
    public MethodIdempotency Idempotency
    {
        get
        {
            var level = MethodIdempotency.Unknown;
            foreach (var option in Options)
            {
                if (option.Name == "idempotency_level" && option.Kind == OptionValueKind.Identifier)
                {
                    level = option.Value switch
                    {
                        "NO_SIDE_EFFECTS" => MethodIdempotency.NoSideEffects,
                        "IDEMPOTENT" => MethodIdempotency.Idempotent,
                        _ => MethodIdempotency.Unknown,
                    };
                }
            }
            return level;
        }
    }
}

/// <summary>Field-number limits protoc enforces.</summary>
internal static class ProtoLimits
{
    public const int MaxFieldNumber = 536_870_911;

    public static bool IsScalarType(string name) => name switch
    {
        "double" or "float" or "int32" or "int64" or "uint32" or "uint64" or "sint32" or "sint64"
            or "fixed32" or "fixed64" or "sfixed32" or "sfixed64" or "bool" or "string" or "bytes" => true,
        _ => false,
    };
}
