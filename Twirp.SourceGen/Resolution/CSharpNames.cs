using System.Collections.Generic;
using System.Text;

namespace Twirp.SourceGen.Resolution;

/// <summary>
/// C# names as protoc's C# generator computes them (protocolbuffers/protobuf
/// <c>src/google/protobuf/compiler/csharp/names.cc</c>): a file's namespace is its <c>csharp_namespace</c>
/// option, else its package PascalCased; a type is <c>global::Namespace.Outer.Types.Inner</c>, names
/// kept exactly as declared. The symbol table builds type names with these rules.
/// </summary>
internal static class CSharpNames
{
    private static readonly HashSet<string> s_keywords = new(System.StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>
    /// The namespace of a file's generated classes: <c>csharp_namespace</c> when set (an empty value means
    /// the global namespace), else the package through <see cref="UnderscoresToPascalCase"/>.
    /// </summary>
    public static string FileNamespace(string package, string? csharpNamespaceOption) =>
        csharpNamespaceOption ?? UnderscoresToPascalCase(package);

    /// <summary>protoc's <c>UnderscoresToCamelCase(input, cap_next_letter: true, preserve_period: true)</c>.</summary>
    public static string UnderscoresToPascalCase(string input)
    {
        var result = new StringBuilder(input.Length);
        var capitalizeNext = true;
        foreach (var c in input)
        {
            if (c >= 'a' && c <= 'z')
            {
                result.Append(capitalizeNext ? (char)(c - 'a' + 'A') : c);
                capitalizeNext = false;
            }
            else if (c >= 'A' && c <= 'Z')
            {
                result.Append(c);
                capitalizeNext = false;
            }
            else if (c >= '0' && c <= '9')
            {
                result.Append(c);
                capitalizeNext = true;
            }
            else
            {
                capitalizeNext = true;
                if (c == '.')
                {
                    result.Append('.');
                }
            }
        }
        return result.ToString();
    }

    /// <summary>Contextual keywords: legal identifiers, but escaped anyway so no context can read one as a keyword.</summary>
    private static readonly HashSet<string> s_contextualKeywords = new(System.StringComparer.Ordinal)
    {
        "add", "allows", "alias", "and", "args", "ascending", "async", "await", "by", "descending", "dynamic", "equals",
        "extension", "field", "file", "from", "get", "global", "group", "init", "into", "join", "let", "managed",
        "nameof", "nint", "not", "notnull", "nuint", "on", "or", "orderby", "partial", "record", "remove", "required",
        "scoped", "select", "set", "unmanaged", "value", "var", "when", "where", "with", "yield",
    };

    /// <summary>Undocumented keywords that <c>@</c> cannot turn into identifiers (CS1519 either way).</summary>
    private static readonly HashSet<string> s_unescapableKeywords = new(System.StringComparer.Ordinal)
    {
        "__arglist", "__makeref", "__reftype", "__refvalue",
    };

    /// <summary>
    /// The one escaping function for identifiers written from .proto names: keywords and contextual
    /// keywords get <c>@</c>; the four <c>__</c> keywords, which <c>@</c> does not rescue, get a trailing
    /// underscore (a rename: <see cref="GeneratedNames"/> makes sure the result is still free).
    /// </summary>
    public static string Identifier(string name)
    {
        if (s_keywords.Contains(name) || s_contextualKeywords.Contains(name))
        {
            return "@" + name;
        }
        return s_unescapableKeywords.Contains(name) ? name + "_" : name;
    }

    /// <summary><paramref name="dottedName"/> with <see cref="Identifier"/> applied to each segment.</summary>
    public static string QualifiedIdentifier(string dottedName)
    {
        if (dottedName.IndexOf('.') < 0)
        {
            return Identifier(dottedName);
        }
        var segments = dottedName.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = Identifier(segments[i]);
        }
        return string.Join(".", segments);
    }
}
