using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Parsing;

/// <summary>One parsed <c>.proto</c> file: what the symbol table and service models are built from.</summary>
internal sealed record ProtoFileModel(
    string Path,
    string Package,
    string? CSharpNamespaceOption,
    EquatableArray<string> Imports,
    EquatableArray<ProtoTypeDecl> Types,
    EquatableArray<ProtoServiceDecl> Services,
    EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>A message or enum, by its full proto name (no leading dot) and its name path inside the file.</summary>
/// <param name="FullName">e.g. <c>pkg.Outer.Inner</c>.</param>
/// <param name="ContainingTypes">Names of the enclosing messages, outermost first.</param>
internal sealed record ProtoTypeDecl(string FullName, string Name, EquatableArray<string> ContainingTypes);

internal sealed record ProtoServiceDecl(
    string Name,
    DocComment Comment,
    bool IsDeprecated,
    EquatableArray<ProtoMethodDecl> Methods,
    LocationInfo Location);

internal sealed record ProtoMethodDecl(
    string Name,
    string InputType,
    string OutputType,
    bool ClientStreaming,
    bool ServerStreaming,
    DocComment Comment,
    bool IsDeprecated,
    LocationInfo Location,
    LocationInfo InputTypeLocation,
    LocationInfo OutputTypeLocation);
