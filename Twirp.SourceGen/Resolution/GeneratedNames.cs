using System;
using System.Collections.Generic;
using System.Text;
using Twirp.SourceGen.Diagnostics;
using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Resolution;

/// <summary>
/// The one place that assigns every C# name the generated code declares (classes, members, hint names)
/// and detects what those names would clash with: the message and enum classes protoc writes, the gRPC
/// classes Grpc.Tools writes, namespaces, other services' generated classes, and the runtime types the
/// generated code refers to. A clash that a rename cannot solve without surprising the user is a
/// diagnostic in the .proto, never a C# error inside generated code.
/// </summary>
/// <remarks>
/// <c>global::</c> does not protect a reference to a runtime type: a user type <c>Twirp.TwirpContext</c>
/// (a message in a package that maps to namespace <c>Twirp</c>) shares the namespace with the runtime's,
/// the compiler prefers the source type, and no C# syntax reaches the other one without an extern alias.
/// Such declarations are reported as capturing the runtime type.
/// </remarks>
internal sealed class GeneratedNames
{
    /// <summary>Longest hint-name prefix: generated files land on disk under obj/ with EmitCompilerGeneratedFiles.</summary>
    internal const int MaxHintNamePrefixLength = 80;

    private const string DefinitionFieldName = "s_twirpDefinition";

    /// <summary>C#'s limit (CS0645); an rpc keeps a margin for the <c>Async</c> or <c>Method</c> its members may get.</summary>
    internal const int MaxIdentifierLength = 512;

    private const int MaxRpcNameLength = MaxIdentifierLength - 12;

    /// <summary>Members every <c>{Service}Twirp</c> class has besides its descriptors, and what it inherits from object.</summary>
    private static readonly string[] s_methodsClassMembers =
    {
        "Package", "ServiceName", "ServiceFullName",
        "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "ReferenceEquals", "Finalize",
    };

    /// <summary>Types outside the user's code that generated files name, each with the file kinds that name it.</summary>
    private static readonly (string FullName, bool Server, bool Client)[] s_referencedTypes =
    {
        ("System.CodeDom.Compiler.GeneratedCode", true, true),
        ("System.CodeDom.Compiler.GeneratedCodeAttribute", true, true),
        ("System.Obsolete", true, true),
        ("System.ObsoleteAttribute", true, true),
        ("System.Threading.Tasks.Task", true, true),
        ("Twirp.TwirpMethod", true, true),
        ("Twirp.ITwirpService", true, false),
        ("Twirp.TwirpContext", true, false),
        ("Twirp.TwirpServiceDefinition", true, false),
        ("Twirp.TwirpServerMethod", true, false),
        ("System.Threading.CancellationToken", false, true),
        ("System.Net.Http.HttpClient", false, true),
        ("System.Collections.Generic.IReadOnlyList", false, true),
        ("Twirp.TwirpClient", false, true),
        ("Twirp.ITwirpClient", false, true),
        ("Twirp.TwirpClientOptions", false, true),
        ("Twirp.TwirpCallOptions", false, true),
        ("Twirp.TwirpException", false, true),
    };

    /// <summary>Types outside the user's code that the OpenAPI data files name (Twirp.OpenApi's, and the one class all services share).</summary>
    private static readonly string[] s_openApiReferencedTypes =
    {
        "System.Runtime.CompilerServices.ModuleInitializer",
        "System.Runtime.CompilerServices.ModuleInitializerAttribute",
        "Twirp.OpenApi.TwirpOpenApiServices",
        OpenApiTypesNamespace + "." + OpenApiTypesClassName,
    };

    /// <summary>The namespace of the class that holds the messages and enums of every service's OpenAPI data.</summary>
    internal const string OpenApiTypesNamespace = "Twirp.OpenApi.Generated";

    /// <summary>The class that holds the messages and enums of every service's OpenAPI data, once per compilation.</summary>
    internal const string OpenApiTypesClassName = "TwirpOpenApiTypes";

    /// <summary>The class holding a service's OpenAPI data (its operations), beside its other generated classes.</summary>
    internal static string OpenApiClassName(string serviceName) => serviceName + "TwirpOpenApi";

    private enum DeclarationKind : byte
    {
        Namespace,
        ProtoType,
        GrpcClass,
        ReferencedNamespace,
        ReferencedType,
        Generated,
    }

    /// <param name="Description">How a diagnostic names it: "message 'pkg.Hat'".</param>
    /// <param name="ServiceFullName">For generated types: the proto full name of their service.</param>
    /// <param name="VirtualPath">For generated types: the .proto of their service.</param>
    private sealed record Declaration(DeclarationKind Kind, string Description, LocationInfo? Location, string? ServiceFullName = null, string? VirtualPath = null)
    {
        public bool IsNamespace => Kind is DeclarationKind.Namespace or DeclarationKind.ReferencedNamespace;
    }

    private readonly bool _openApi;

    private GeneratedNames(bool openApi) => _openApi = openApi;

    /// <summary>Every declared C# name, fully qualified without <c>global::</c> or <c>@</c>.</summary>
    private readonly Dictionary<string, Declaration> _declared = new(StringComparer.Ordinal);
    private readonly List<(Declaration Declaration, string CSharpName, string Captured)> _captures = new();

    /// <summary>
    /// Names <paramref name="drafts"/> and returns the models of those that can be generated, reporting
    /// the others. Deterministic: on a clash, the service listed first keeps its names.
    /// </summary>
    /// <param name="openApi">Twirp.OpenApi is referenced: the services' OpenAPI classes and the types they name are declared too.</param>
    public static List<(ServiceDraft Draft, ServiceModel Model)> Assign(ProtoCompilation compilation, IReadOnlyList<bool> writesGrpcClasses, IReadOnlyList<ServiceDraft> drafts,
        bool openApi, List<DiagnosticInfo> diagnostics)
    {
        var names = new GeneratedNames(openApi);
        var server = false;
        var client = false;
        foreach (var draft in drafts)
        {
            server |= draft.GenerateServer;
            client |= draft.GenerateClient;
        }
        foreach (var (fullName, usedByServer, usedByClient) in s_referencedTypes)
        {
            if ((usedByServer && server) || (usedByClient && client))
            {
                names.DeclareReferencedType(fullName);
            }
        }
        if (openApi && drafts.Count != 0)
        {
            foreach (var fullName in s_openApiReferencedTypes)
            {
                names.DeclareReferencedType(fullName);
            }
        }
        for (var i = 0; i < compilation.Files.Count; i++)
        {
            var file = compilation.Files[i];
            names.DeclareProtoFile(file, i < writesGrpcClasses.Count && writesGrpcClasses[i]);
        }

        var models = new List<(ServiceDraft, ServiceModel)>(drafts.Count);
        if (names._captures.Count > 0)
        {
            foreach (var (declaration, csharpName, captured) in names._captures)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RuntimeTypeHidden, declaration.Location,
                    declaration.Description, csharpName, captured));
            }
            return models;
        }
        var named = new List<(ServiceDraft Draft, string HintName)>(drafts.Count);
        foreach (var draft in drafts)
        {
            if (!FitsCSharp(draft, diagnostics))
            {
                continue;
            }
            if (names.TryDeclareService(draft, diagnostics))
            {
                named.Add((draft, HintNamePrefix(draft)));
            }
        }
        var hintNames = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var (_, hintName) in named)
        {
            hintNames[hintName] = hintNames.TryGetValue(hintName, out var count) ? count + 1 : 1;
        }
        foreach (var (draft, hintName) in named)
        {
            // Hint names are compared ignoring case (file systems may): 'Foo' and 'foo' both get a hash.
            var unique = hintNames[hintName] > 1 ? hintName + "." + Hash(draft.CSharpNamespace + "/" + draft.FullName) : hintName;
            models.Add((draft, ToModel(draft, unique)));
        }
        return models;
    }

    private void DeclareReferencedType(string fullName)
    {
        for (var dot = fullName.IndexOf('.'); dot >= 0; dot = fullName.IndexOf('.', dot + 1))
        {
            var ns = fullName.Substring(0, dot);
            if (!_declared.ContainsKey(ns))
            {
                _declared[ns] = new Declaration(DeclarationKind.ReferencedNamespace, "namespace '" + ns + "'", null);
            }
        }
        _declared[fullName] = new Declaration(DeclarationKind.ReferencedType, "'" + fullName + "'", null);
    }

    private void DeclareProtoFile(CompiledFile file, bool writesGrpcClasses)
    {
        var model = file.Model;
        var ns = CSharpNames.FileNamespace(model.Package, model.CSharpNamespaceOption);
        var prefix = ns.Length == 0 ? string.Empty : ns + ".";
        var scope = model.Package.Length == 0 ? string.Empty : model.Package + ".";
        if (ns.Length > 0)
        {
            var location = new LocationInfo(model.Path, default, default);
            for (var dot = 0; dot >= 0;)
            {
                dot = ns.IndexOf('.', dot + 1);
                var name = dot < 0 ? ns : ns.Substring(0, dot);
                DeclareUserName(name, new Declaration(DeclarationKind.Namespace, "namespace '" + name + "' of '" + file.VirtualPath + "'", location));
            }
        }
        foreach (var message in model.Messages)
        {
            DeclareUserName(prefix + message.Name, new Declaration(DeclarationKind.ProtoType, "message '" + scope + message.Name + "'",
                message.NameSpan.ToLocationInfo(model.Path)));
        }
        foreach (var enumeration in model.Enums)
        {
            DeclareUserName(prefix + enumeration.Name, new Declaration(DeclarationKind.ProtoType, "enum '" + scope + enumeration.Name + "'",
                enumeration.NameSpan.ToLocationInfo(model.Path)));
        }
        if (writesGrpcClasses)
        {
            foreach (var service in model.Services)
            {
                DeclareUserName(prefix + service.Name, new Declaration(DeclarationKind.GrpcClass,
                    "the gRPC class Grpc.Tools writes for service '" + scope + service.Name + "'", service.NameSpan.ToLocationInfo(model.Path)));
            }
        }
    }

    /// <summary>Declares a name the user's protos put into C#; only a clash with a name generated code refers to matters here.</summary>
    private void DeclareUserName(string csharpName, Declaration declaration)
    {
        if (!_declared.TryGetValue(csharpName, out var existing))
        {
            _declared[csharpName] = declaration;
            return;
        }
        if (existing.Kind is DeclarationKind.ReferencedType or DeclarationKind.ReferencedNamespace && !(existing.IsNamespace && declaration.IsNamespace))
        {
            _captures.Add((declaration, csharpName, existing.Description));
        }
    }

    private bool TryDeclareService(ServiceDraft draft, List<DiagnosticInfo> diagnostics)
    {
        var prefix = draft.CSharpNamespace.Length == 0 ? string.Empty : draft.CSharpNamespace + ".";
        var types = new List<string>(4) { draft.MethodsClassName };
        if (_openApi)
        {
            types.Add(OpenApiClassName(draft.Name));
        }
        if (draft.GenerateServer)
        {
            types.Add(draft.ServerClassName);
        }
        if (draft.GenerateClient)
        {
            types.Add(draft.ClientClassName);
        }
        foreach (var type in types)
        {
            if (!_declared.TryGetValue(prefix + type, out var existing))
            {
                continue;
            }
            if (existing.Kind == DeclarationKind.Generated && existing.ServiceFullName == draft.FullName)
            {
                // The same service declared in two files that protoc never loads together.
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateName, draft.Location, draft.FullName,
                    "'" + existing.VirtualPath + "'"));
            }
            else
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GeneratedNameClash, draft.Location, AdditionalLocations(existing.Location),
                    draft.FullName, prefix + type, existing.Description, Describe(existing.Location)));
            }
            return false;
        }
        var description = "service '" + draft.FullName + "' of '" + draft.VirtualPath + "'";
        foreach (var type in types)
        {
            _declared[prefix + type] = new Declaration(DeclarationKind.Generated, description, draft.Location, draft.FullName, draft.VirtualPath);
        }
        return true;
    }

    /// <summary>Reports a service, or drops an rpc, whose generated identifiers would be longer than C# allows.</summary>
    private static bool FitsCSharp(ServiceDraft draft, List<DiagnosticInfo> diagnostics)
    {
        var longest = Math.Max(draft.ClientClassName.Length, Math.Max(draft.ServerClassName.Length, draft.MethodsClassName.Length));
        if (longest > MaxIdentifierLength)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameTooLong, draft.Location, "Service", draft.FullName,
                longest.ToString(System.Globalization.CultureInfo.InvariantCulture), "the service is"));
            return false;
        }
        draft.Methods.RemoveAll(method =>
        {
            if (method.Name.Length <= MaxRpcNameLength)
            {
                return false;
            }
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameTooLong, method.Location, "Method", draft.FullName + "." + method.Name,
                (method.Name.Length + "Async".Length).ToString(System.Globalization.CultureInfo.InvariantCulture), "the method is"));
            return true;
        });
        return true;
    }

    private static IEnumerable<LocationInfo> AdditionalLocations(LocationInfo? location) =>
        location is null ? Array.Empty<LocationInfo>() : new[] { location };

    private static string Describe(LocationInfo? location)
    {
        if (location is null)
        {
            return "referenced by the generated code";
        }
        var start = location.LineSpan.Start;
        return location.FilePath + "(" + (start.Line + 1) + "," + (start.Character + 1) + ")";
    }

    /// <summary>
    /// The service's full name, shortened with a hash when long: hint names become file names under
    /// obj/ when EmitCompilerGeneratedFiles is on. Proto identifiers are ASCII letters, digits and
    /// underscores, so the full name is already file-name-safe.
    /// </summary>
    private static string HintNamePrefix(ServiceDraft draft) => HintNamePrefix(draft.FullName, draft.CSharpNamespace);

    /// <summary>A service's hint name prefix before clashes are resolved: its full name, shortened with a hash when long.</summary>
    internal static string HintNamePrefix(string fullName, string csharpNamespace) =>
        fullName.Length <= MaxHintNamePrefixLength
            ? fullName
            : fullName.Substring(0, MaxHintNamePrefixLength - 9) + "." + Hash(csharpNamespace + "/" + fullName);

    /// <summary><paramref name="hintNamePrefix"/> made unique, ignoring case, among prefixes already <paramref name="used"/>.</summary>
    internal static string UniqueHintNamePrefix(string hintNamePrefix, string fullName, string csharpNamespace, HashSet<string> used) =>
        used.Add(hintNamePrefix) ? hintNamePrefix : hintNamePrefix + "." + Hash(csharpNamespace + "/" + fullName);

    /// <summary>FNV-1a: stable across processes and platforms, unlike <see cref="string.GetHashCode()"/>.</summary>
    private static string Hash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }
        return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static ServiceModel ToModel(ServiceDraft draft, string hintNamePrefix)
    {
        var methods = draft.Methods;
        var handlers = AssignMembers(methods, new[] { draft.ServerClassName });
        var handlerNames = new HashSet<string>(handlers, StringComparer.Ordinal) { draft.ServerClassName };
        var definitionField = DefinitionFieldName;
        while (handlerNames.Contains(definitionField))
        {
            definitionField += "_";
        }
        var reserved = new string[s_methodsClassMembers.Length + 1];
        s_methodsClassMembers.CopyTo(reserved, 0);
        reserved[reserved.Length - 1] = draft.MethodsClassName;
        var descriptors = AssignMembers(methods, reserved);
        var models = new List<MethodModel>(methods.Count);
        for (var i = 0; i < methods.Count; i++)
        {
            var method = methods[i];
            models.Add(new MethodModel(method.Name, handlers[i], CSharpNames.Identifier(method.Name + "Async"), descriptors[i],
                method.RequestProtoType, method.RequestCSharpType, method.ResponseProtoType, method.ResponseCSharpType, method.Comment, method.IsDeprecated, method.Idempotency));
        }
        return new ServiceModel(draft.VirtualPath, draft.Package, draft.Name, CSharpNames.QualifiedIdentifier(draft.CSharpNamespace), hintNamePrefix,
            draft.ServerClassName, draft.ClientClassName, draft.MethodsClassName, definitionField,
            draft.IsInternal, draft.GenerateServer, draft.GenerateClient, draft.Comment, draft.IsDeprecated, models.ToEquatableArray());
    }

    /// <summary>
    /// One member per method in a class that already has <paramref name="reserved"/> members: each method
    /// keeps its escaped name when it is free; a method whose name is reserved (an rpc named
    /// <c>ToString</c>, or like its class) or had to be renamed by <see cref="CSharpNames.Identifier"/>
    /// gets <c>Method</c> appended until the name is free of every other member.
    /// </summary>
    private static string[] AssignMembers(List<DraftMethod> methods, IReadOnlyCollection<string> reserved)
    {
        var result = new string[methods.Count];
        var used = new HashSet<string>(reserved, StringComparer.Ordinal);
        for (var i = 0; i < methods.Count; i++)
        {
            var raw = methods[i].Name;
            var name = CSharpNames.Identifier(raw);
            if (Unescaped(name) == raw && used.Add(Unescaped(name)))
            {
                result[i] = name;
            }
        }
        for (var i = 0; i < methods.Count; i++)
        {
            if (result[i] is not null)
            {
                continue;
            }
            var name = CSharpNames.Identifier(methods[i].Name);
            while (!used.Add(Unescaped(name)))
            {
                name += "Method";
            }
            result[i] = name;
        }
        return result;
    }

    private static string Unescaped(string identifier) => identifier.Length > 0 && identifier[0] == '@' ? identifier.Substring(1) : identifier;
}

/// <summary>A service as resolved, before <see cref="GeneratedNames"/> names it: still knows where it is in the .proto.</summary>
internal sealed record ServiceDraft(
    string VirtualPath,
    string Package,
    string Name,
    string CSharpNamespace,
    bool IsInternal,
    bool GenerateServer,
    bool GenerateClient,
    DocComment Comment,
    bool IsDeprecated,
    List<DraftMethod> Methods,
    LocationInfo Location)
{
    public string FullName => Package.Length == 0 ? Name : Package + "." + Name;

    public string ServerClassName => Name + "Base";

    public string ClientClassName => Name + "Client";

    public string MethodsClassName => Name + "Twirp";
}

internal sealed record DraftMethod(
    string Name,
    string RequestProtoType,
    string RequestCSharpType,
    string ResponseProtoType,
    string ResponseCSharpType,
    DocComment Comment,
    bool IsDeprecated,
    MethodIdempotency Idempotency,
    LocationInfo Location);
