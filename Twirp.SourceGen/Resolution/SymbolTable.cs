using System.Collections.Generic;
using System.Text;
using Twirp.SourceGen.Diagnostics;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Parsing;

namespace Twirp.SourceGen.Resolution;

internal enum SymbolKind : byte
{
    Package,
    Message,
    Enum,
    Service,
}

/// <summary>A named declaration: its proto full name, where it is, and (for types) its C# name.</summary>
internal sealed class Symbol
{
    private readonly string _name;
    private readonly string _csharpPrefix;
    private readonly Symbol? _parent;
    private string? _csharpName;

    public Symbol(SymbolKind kind, string fullName, CompiledFile? file, ProtoSpan span, string name = "", string csharpPrefix = "", Symbol? parent = null,
        bool isMapEntry = false)
    {
        IsMapEntry = isMapEntry;
        Kind = kind;
        FullName = fullName;
        File = file;
        Span = span;
        _name = name;
        _csharpPrefix = csharpPrefix;
        _parent = parent;
    }

    public SymbolKind Kind { get; }

    /// <summary>Without a leading dot: <c>pkg.Outer.Inner</c>.</summary>
    public string FullName { get; }

    /// <summary>The declaring file; null for packages, which any number of files share.</summary>
    public CompiledFile? File { get; }

    /// <summary>
    /// <c>global::Ns.Outer.Types.Inner</c> for messages and enums: protoc's C# generator nests a message's
    /// types in its static <c>Types</c> class. Built on first use: only rpc types ever need one.
    /// </summary>
    public string CSharpName => _csharpName ??= (_parent is null ? _csharpPrefix : _parent.CSharpName + ".Types.") + CSharpNames.Identifier(_name);

    /// <summary>The <c>XxxEntry</c> message protoc synthesizes for a map field: protoc's C# generator writes no class for it.</summary>
    public bool IsMapEntry { get; }

    public ProtoSpan Span { get; }

    /// <summary>Another declaration of the same full name in another file, if any.</summary>
    public Symbol? Next { get; set; }

    public bool IsType => Kind is SymbolKind.Message or SymbolKind.Enum;
}

/// <summary>How a type reference resolved.</summary>
internal enum LookupStatus : byte
{
    Found,
    NotFound,
    /// <summary>Defined, but in a file the referencing file does not import.</summary>
    NotImported,
    /// <summary>The name resolved to a symbol that is not a message or enum (a package or service).</summary>
    NotAType,
}

internal readonly record struct LookupResult(LookupStatus Status, Symbol? Symbol);

/// <summary>
/// Every package, message, enum and service of a <see cref="ProtoCompilation"/>, by full name, with the
/// C# names protoc's C# generator gives them; resolves references with protobuf's scoping rules.
/// </summary>
internal sealed class SymbolTable
{
    private readonly Dictionary<string, Symbol> _symbols = new(System.StringComparer.Ordinal);
    private readonly IReadOnlyList<CompiledFile> _files;
    private readonly List<DiagnosticInfo> _diagnostics;

    public SymbolTable(IReadOnlyList<CompiledFile> files, List<DiagnosticInfo> diagnostics)
    {
        _files = files;
        _diagnostics = diagnostics;
        foreach (var file in files)
        {
            AddFile(file);
        }
    }

    /// <summary>Every message and enum (and package and service) declared, by full name.</summary>
    public IReadOnlyDictionary<string, Symbol> All => _symbols;

    private void AddFile(CompiledFile file)
    {
        var model = file.Model;
        var package = model.Package;
        if (package.Length > 0 && !_symbols.ContainsKey(package))
        {
            var dot = -1;
            do
            {
                dot = package.IndexOf('.', dot + 1);
                var prefix = dot < 0 ? package : package.Substring(0, dot);
                if (!_symbols.ContainsKey(prefix))
                {
                    _symbols[prefix] = new Symbol(SymbolKind.Package, prefix, null, default);
                }
            }
            while (dot >= 0);
        }

        var ns = CSharpNames.FileNamespace(model.Package, model.CSharpNamespaceOption);
        var csharpPrefix = ns.Length == 0 ? "global::" : "global::" + CSharpNames.QualifiedIdentifier(ns) + ".";
        var scope = package.Length == 0 ? string.Empty : package + ".";
        foreach (var message in model.Messages)
        {
            AddMessage(file, message, scope, csharpPrefix, null);
        }
        foreach (var enumeration in model.Enums)
        {
            Add(new Symbol(SymbolKind.Enum, scope + enumeration.Name, file, enumeration.NameSpan, enumeration.Name, csharpPrefix));
        }
        foreach (var service in model.Services)
        {
            Add(new Symbol(SymbolKind.Service, scope + service.Name, file, service.NameSpan));
            ReportDuplicateMethods(file, scope + service.Name, service);
        }
    }

    /// <summary>Methods are not symbols types can resolve to, so only their names' uniqueness is checked here.</summary>
    private void ReportDuplicateMethods(CompiledFile file, string serviceFullName, ProtoService service)
    {
        for (var i = 1; i < service.Methods.Count; i++)
        {
            var method = service.Methods[i];
            for (var j = 0; j < i; j++)
            {
                if (service.Methods[j].Name == method.Name)
                {
                    _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateName, method.NameSpan.ToLocationInfo(file.Model.Path),
                        serviceFullName + "." + method.Name, "service '" + service.Name + "'"));
                    break;
                }
            }
        }
    }

    private void AddMessage(CompiledFile file, ProtoMessage message, string scope, string csharpPrefix, Symbol? parent)
    {
        var symbol = new Symbol(SymbolKind.Message, scope + message.Name, file, message.NameSpan, message.Name, csharpPrefix, parent,
            message.Kind == ProtoMessageKind.MapEntry);
        Add(symbol);
        if (message.Messages.Count == 0 && message.Enums.Count == 0)
        {
            return;
        }
        var nestedScope = symbol.FullName + ".";
        foreach (var nested in message.Messages)
        {
            AddMessage(file, nested, nestedScope, csharpPrefix, symbol);
        }
        foreach (var enumeration in message.Enums)
        {
            Add(new Symbol(SymbolKind.Enum, nestedScope + enumeration.Name, file, enumeration.NameSpan, enumeration.Name, csharpPrefix, symbol));
        }
    }

    private void Add(Symbol symbol)
    {
        if (!_symbols.TryGetValue(symbol.FullName, out var existing))
        {
            _symbols[symbol.FullName] = symbol;
            return;
        }
        if (existing.Kind == SymbolKind.Package)
        {
            // A type named like a package: protoc rejects it in the file that declares the type.
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateName, symbol.Span.ToLocationInfo(symbol.File!.Model.Path),
                symbol.FullName, "a package"));
            return;
        }
        for (var other = existing; other is not null; other = other.Next)
        {
            if (other.File == symbol.File)
            {
                _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateName, symbol.Span.ToLocationInfo(symbol.File!.Model.Path),
                    symbol.FullName, "this file"));
                return;
            }
        }
        // Declared again in another file: legal unless one file loads the other, which is checked on lookup.
        symbol.Next = existing.Next;
        existing.Next = symbol;
    }

    /// <summary>
    /// Resolves <paramref name="reference"/> as written in <paramref name="file"/> inside the element
    /// named <paramref name="relativeTo"/> (e.g. <c>pkg.Service.Method</c>), as protoc's
    /// <c>LookupSymbol</c>: a leading dot means fully qualified; otherwise the first component is searched
    /// from the innermost scope outwards, and once it is found the rest must be inside it.
    /// </summary>
    public LookupResult Lookup(string reference, string relativeTo, CompiledFile file)
    {
        if (reference.Length > 0 && reference[0] == '.')
        {
            return AsType(Find(reference.Substring(1), file));
        }
        var firstDot = reference.IndexOf('.');
        var firstPart = firstDot < 0 ? reference : reference.Substring(0, firstDot);
        var scope = relativeTo;
        LookupResult? notImported = null;
        while (true)
        {
            var dot = scope.LastIndexOf('.');
            if (dot < 0)
            {
                var result = AsType(Find(reference, file));
                return result.Status == LookupStatus.NotFound && notImported is not null ? notImported.Value : result;
            }
            scope = scope.Substring(0, dot);
            var candidate = Find(scope + "." + firstPart, file);
            if (candidate.Status == LookupStatus.Found)
            {
                if (firstDot >= 0)
                {
                    // Every symbol kind kept here is an aggregate, so the rest of the name must be inside it.
                    return AsType(Find(scope + "." + reference, file));
                }
                if (candidate.Symbol!.IsType)
                {
                    return candidate;
                }
            }
            else if (candidate.Status == LookupStatus.NotImported && notImported is null)
            {
                notImported = candidate;
            }
        }
    }

    private static LookupResult AsType(LookupResult result) =>
        result.Status == LookupStatus.Found && !result.Symbol!.IsType
            ? new LookupResult(LookupStatus.NotAType, result.Symbol)
            : result;

    /// <summary>The declaration of <paramref name="fullName"/> that <paramref name="file"/> can see.</summary>
    private LookupResult Find(string fullName, CompiledFile file)
    {
        if (!_symbols.TryGetValue(fullName, out var symbol))
        {
            return new LookupResult(LookupStatus.NotFound, null);
        }
        if (symbol.Kind == SymbolKind.Package)
        {
            return IsPackageVisible(fullName, file)
                ? new LookupResult(LookupStatus.Found, symbol)
                : new LookupResult(LookupStatus.NotFound, null);
        }
        for (var candidate = symbol; candidate is not null; candidate = candidate.Next)
        {
            if (file.Visible.Contains(candidate.File!.Index))
            {
                return new LookupResult(LookupStatus.Found, candidate);
            }
        }
        return new LookupResult(LookupStatus.NotImported, symbol);
    }

    private bool IsPackageVisible(string package, CompiledFile file)
    {
        if (IsInPackage(file.Model.Package, package))
        {
            return true;
        }
        // protoc accepts a package any visible file is in (or under), not just the first file declaring it.
        foreach (var index in file.Visible)
        {
            if (IsInPackage(_files[index].Model.Package, package))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsInPackage(string filePackage, string package) =>
        filePackage.Length >= package.Length
        && filePackage.StartsWith(package, System.StringComparison.Ordinal)
        && (filePackage.Length == package.Length || filePackage[package.Length] == '.');

    /// <summary>A readable list of where <paramref name="symbol"/> and its namesakes are declared.</summary>
    public static string DeclaringFiles(Symbol symbol)
    {
        var builder = new StringBuilder();
        for (var candidate = symbol; candidate is not null; candidate = candidate.Next)
        {
            if (candidate.File is null)
            {
                continue;
            }
            if (builder.Length > 0)
            {
                builder.Append("', '");
            }
            builder.Append(candidate.File.VirtualPath);
        }
        return builder.ToString();
    }
}
