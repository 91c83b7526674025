namespace Twirp.SourceGen.Model;

/// <summary>
/// Everything the emitters need to write one service, as strings: the contract between the front end
/// (parser, symbol table, <see cref="Resolution.GeneratedNames"/>) and the emitters. Every C# name in it
/// is final (escaped, free of clashes) and type names are fully qualified with <c>global::</c>; nothing
/// in it depends on where declarations sit in the .proto, so moving lines around re-emits nothing.
/// </summary>
/// <param name="ProtoFilePath">The .proto's path below its ProtoRoot, as imports spell it: never an absolute path.</param>
/// <param name="HintNamePrefix">Unique among the services of the compilation (ignoring case), file-name-safe and short.</param>
/// <param name="DefinitionFieldName">The server class's private field holding the service definition (renamed when an rpc takes its name).</param>
internal sealed record ServiceModel(
    string ProtoFilePath,
    string Package,
    string Name,
    string CSharpNamespace,
    string HintNamePrefix,
    string ServerClassName,
    string ClientClassName,
    string MethodsClassName,
    string DefinitionFieldName,
    bool IsInternal,
    bool GenerateServer,
    bool GenerateClient,
    DocComment Comment,
    bool IsDeprecated,
    EquatableArray<MethodModel> Methods)
{
    /// <summary><c>package.Service</c>, or <c>Service</c> without a package.</summary>
    public string FullName => Package.Length == 0 ? Name : Package + "." + Name;
}

/// <summary>One unary rpc of a service.</summary>
/// <param name="Name">The rpc name as written in the .proto: the wire name.</param>
/// <param name="HandlerName">The server's abstract method.</param>
/// <param name="ClientMethodName">The client's method (<c>{Rpc}Async</c>).</param>
/// <param name="DescriptorName">The <c>TwirpMethod</c> property of the <c>{Service}Twirp</c> class.</param>
/// <param name="Idempotency">The rpc's <c>option idempotency_level</c>.</param>
internal sealed record MethodModel(
    string Name,
    string HandlerName,
    string ClientMethodName,
    string DescriptorName,
    string RequestProtoType,
    string RequestCSharpType,
    string ResponseProtoType,
    string ResponseCSharpType,
    DocComment Comment,
    bool IsDeprecated,
    MethodIdempotency Idempotency = MethodIdempotency.Unknown);

/// <summary>An rpc's <c>option idempotency_level</c>, as <c>Twirp.TwirpIdempotency</c> names it at run time.</summary>
internal enum MethodIdempotency : byte
{
    Unknown,
    NoSideEffects,
    Idempotent,
}

/// <summary>
/// The comment protoc would attach to an element (leading, else trailing), as lines without the
/// comment markers; empty when there is none.
/// </summary>
internal sealed record DocComment(EquatableArray<string> Lines)
{
    public static readonly DocComment None = new(EquatableArray<string>.Empty);

    public bool IsEmpty => Lines.Count == 0;
}
