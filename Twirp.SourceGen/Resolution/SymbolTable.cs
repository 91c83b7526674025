using System.Collections.Generic;
using Twirp.SourceGen.Parsing;

namespace Twirp.SourceGen.Resolution;

/// <summary>Every message and enum of every <c>.proto</c> in the compilation: proto full name to C# name.</summary>
internal sealed class SymbolTable
{
    private readonly Dictionary<string, string> _csharpNames = new();

    public SymbolTable(IEnumerable<ProtoFileModel> files)
    {
        foreach (var file in files)
        {
            var ns = CSharpNames.FileNamespace(file.Package, file.CSharpNamespaceOption);
            var prefix = ns.Length == 0 ? "global::" : "global::" + ns + ".";
            foreach (var type in file.Types)
            {
                var name = new System.Text.StringBuilder(prefix);
                foreach (var container in type.ContainingTypes)
                {
                    name.Append(container).Append(".Types.");
                }
                name.Append(type.Name);
                _csharpNames[type.FullName] = name.ToString();
            }
        }
    }

    /// <summary>
    /// Resolves a type reference written inside <paramref name="scope"/> (a package or message full
    /// name), searching from the innermost scope outwards as protoc does.
    /// </summary>
    public bool TryResolve(string reference, string scope, out string fullName, out string csharpName)
    {
        if (reference.StartsWith(".", System.StringComparison.Ordinal))
        {
            fullName = reference.Substring(1);
            return _csharpNames.TryGetValue(fullName, out csharpName!);
        }
        var current = scope;
        while (true)
        {
            fullName = current.Length == 0 ? reference : current + "." + reference;
            if (_csharpNames.TryGetValue(fullName, out csharpName!))
            {
                return true;
            }
            if (current.Length == 0)
            {
                return false;
            }
            var dot = current.LastIndexOf('.');
            current = dot < 0 ? string.Empty : current.Substring(0, dot);
        }
    }
}
