using System.Text;

namespace Twirp.SourceGen.Resolution;

/// <summary>C# names as protoc's C# generator computes them.</summary>
internal static class CSharpNames
{
    /// <summary>The namespace of a file's generated classes: <c>csharp_namespace</c>, else the PascalCased package.</summary>
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
                result.Append(capitalizeNext ? char.ToUpperInvariant(c) : c);
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
}
