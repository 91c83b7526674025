using Microsoft.CodeAnalysis;

namespace Twirp.SourceGen.Diagnostics;

/// <summary>Every diagnostic the generator reports. IDs are stable; docs/diagnostics.md explains each.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Twirp";
    private const string HelpLinkBase = "https://github.com/twirp-dotnet/twirp-sourcegen/blob/main/docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor SyntaxError = Create(
        "TWIRP001", "Syntax error in .proto file",
        "{0}", DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor UnknownType = Create(
        "TWIRP002", "Unknown message type",
        "Type '{0}' used by method '{1}' is not defined in this file or its imports; define it or import the file that does",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor StreamingNotSupported = Create(
        "TWIRP003", "Streaming methods are not supported by Twirp",
        "Method '{0}' streams; Twirp has no streaming, so it is skipped and the rest of service '{1}' is generated",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor ImportNotFound = Create(
        "TWIRP004", "Imported .proto file not found",
        "Import '{0}' of '{1}' is not an AdditionalFiles item under its ProtoRoot or AdditionalImportDirs, nor a well-known type; add it as an AdditionalFiles item so the types it defines resolve",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor DuplicateName = Create(
        "TWIRP005", "Name defined twice",
        "'{0}' is already defined in {1}; rename one of them",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor TypeNotImported = Create(
        "TWIRP006", "Message type defined in a file that is not imported",
        "Type '{0}' used by method '{1}' is defined in '{2}', which this file does not import; add import \"{2}\";",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NotAMessageType = Create(
        "TWIRP007", "Method type is not a message",
        "'{0}' used by method '{1}' is {2}, not a message; rpc requests and responses must be messages",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor ImportCycle = Create(
        "TWIRP008", "Import cycle",
        "'{0}' imports '{1}', which imports '{0}' back (directly or through other files); protoc rejects import cycles, so remove one of the imports",
        DiagnosticSeverity.Error);

    // TWIRP020-TWIRP029: what the generated C# can or cannot be.

    public static readonly DiagnosticDescriptor MapEntryAsMethodType = Create(
        "TWIRP020", "Method type is a map entry",
        "'{0}' used by method '{1}' is the entry type protoc synthesizes for a map field, and protoc's C# generator writes no class for it, so the method is skipped and the rest of the service is generated; declare a message with the same fields and use it instead",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor GeneratedNameClash = Create(
        "TWIRP021", "Generated C# name already taken",
        "Service '{0}' would generate the C# type '{1}', which {2} ({3}) already declares, so the service is not generated; rename one of them, or move the service to another C# namespace with option csharp_namespace",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor RuntimeTypeHidden = Create(
        "TWIRP022", "Declaration hides a type the generated code uses",
        "{0} becomes the C# type '{1}', which hides {2} that the generated Twirp code refers to (global:: cannot reach past a type of the same full name), so no Twirp code is generated; rename it, or give its file another C# namespace with option csharp_namespace",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor NameTooLong = Create(
        "TWIRP023", "Name too long for C#",
        "{0} '{1}' would generate a C# identifier {2} characters long, and C# allows 512, so {3} not generated; shorten the name",
        DiagnosticSeverity.Error);

    // TWIRP050-TWIRP059: the build around the generator (item metadata, referenced packages).

    public static readonly DiagnosticDescriptor InvalidTwirpServices = Create(
        "TWIRP050", "Unknown TwirpServices value",
        "TwirpServices=\"{0}\" on '{1}' is not one of Both, Server, Client or None; Both is used",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor InvalidAccess = Create(
        "TWIRP051", "Unknown Access value",
        "Access=\"{0}\" on '{1}' is not Public or Internal; Public is used",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor RuntimeNotReferenced = Create(
        "TWIRP052", "Twirp runtime package not referenced",
        "'{0}' asks for {1} but the project does not reference {2}, so no Twirp code is generated for it; add the package, or set TwirpServices on the item",
        DiagnosticSeverity.Warning);

    public static readonly DiagnosticDescriptor MessageTypeNotInCompilation = Create(
        "TWIRP053", "Message class not found in the compilation",
        "Method '{0}' of service '{1}' uses '{2}', but no such class is in the compilation, so the service is not generated; Grpc.Tools writes the message classes: reference the Grpc.Tools package and keep ProtoCompile=\"true\" on the <Protobuf> item for this .proto and its imports",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor InternalError = Create(
        "TWIRP099", "Twirp generator failed",
        "The Twirp generator failed on '{0}': {1}. Please report this with the .proto file.",
        DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id.ToLowerInvariant());
}
