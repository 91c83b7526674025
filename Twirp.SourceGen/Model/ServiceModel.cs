namespace Twirp.SourceGen.Model;

/// <summary>
/// Everything the emitters need to write one service, as strings: the contract between the front end
/// (parser, symbol table) and the emitters. Type names are fully qualified with <c>global::</c>.
/// </summary>
internal sealed record ServiceModel(
    string ProtoFilePath,
    string Package,
    string Name,
    string CSharpNamespace,
    string CSharpName,
    bool IsInternal,
    bool GenerateServer,
    bool GenerateClient,
    DocComment Comment,
    bool IsDeprecated,
    EquatableArray<MethodModel> Methods)
{
    /// <summary><c>package.Service</c>, or <c>Service</c> without a package.</summary>
    public string FullName => Package.Length == 0 ? Name : Package + "." + Name;

    /// <summary>A file-name-safe prefix for this service's generated files.</summary>
    public string HintNamePrefix => FullName;
}

/// <summary>One unary rpc of a service.</summary>
/// <param name="Location">The rpc in the .proto, for diagnostics about the method found after resolution.</param>
internal sealed record MethodModel(
    string Name,
    string CSharpName,
    string RequestProtoType,
    string RequestCSharpType,
    string ResponseProtoType,
    string ResponseCSharpType,
    DocComment Comment,
    bool IsDeprecated,
    LocationInfo? Location = null);

/// <summary>
/// The comment protoc would attach to an element (leading, else trailing), as lines without the
/// comment markers; empty when there is none.
/// </summary>
internal sealed record DocComment(EquatableArray<string> Lines)
{
    public static readonly DocComment None = new(EquatableArray<string>.Empty);

    public bool IsEmpty => Lines.Count == 0;
}
