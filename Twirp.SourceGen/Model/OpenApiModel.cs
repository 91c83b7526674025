namespace Twirp.SourceGen.Model;

/// <summary>
/// What the OpenAPI description of one service needs, as strings: its operations, the request and
/// response messages by proto full name. Built only when the compilation references Twirp.OpenApi.
/// </summary>
/// <param name="HintNamePrefix">Unique among the services of the compilation (ignoring case), file-name-safe and short, as the services' own.</param>
internal sealed record OpenApiServiceModel(
    string HintNamePrefix,
    string ProtoFilePath,
    string Package,
    string Name,
    string CSharpNamespace,
    string Description,
    bool IsDeprecated,
    EquatableArray<OpenApiMethodModel> Methods)
{
    /// <summary><c>package.Service</c>, or <c>Service</c> without a package.</summary>
    public string FullName => Package.Length == 0 ? Name : Package + "." + Name;
}

/// <summary>
/// Every message and enum the services of the compilation reach (across imports), each once, by full
/// name: emitted into one file, so services sharing types (all of a large API's do) do not repeat them.
/// </summary>
/// <remarks>
/// Messages with a JSON form of their own (Timestamp, Duration, Struct, wrappers, ...) are referred to by
/// name and never listed: Twirp.OpenApi knows their schemas.
/// </remarks>
internal sealed record OpenApiTypesModel(EquatableArray<OpenApiMessageModel> Messages, EquatableArray<OpenApiEnumModel> Enums)
{
    public static readonly OpenApiTypesModel Empty = new(EquatableArray<OpenApiMessageModel>.Empty, EquatableArray<OpenApiEnumModel>.Empty);
}

/// <summary>The OpenAPI branch's result: one model per service and the types they reach.</summary>
internal sealed record OpenApiModels(EquatableArray<OpenApiServiceModel> Services, OpenApiTypesModel Types)
{
    public static readonly OpenApiModels Empty = new(EquatableArray<OpenApiServiceModel>.Empty, OpenApiTypesModel.Empty);
}

/// <summary>One unary rpc: the request and response messages by full name.</summary>
internal sealed record OpenApiMethodModel(string Name, string RequestType, string ResponseType, string Description, bool IsDeprecated);

internal sealed record OpenApiMessageModel(string FullName, string Description, bool IsDeprecated, EquatableArray<OpenApiFieldModel> Fields);

/// <summary>How many values a field holds, as the proto3 JSON mapping sees it.</summary>
internal enum OpenApiCardinality : byte
{
    Singular,
    /// <summary>Explicit presence (proto3 <c>optional</c>, proto2 <c>optional</c>): may be absent or null.</summary>
    Optional,
    Repeated,
    Map,
}

/// <summary>
/// A field: <paramref name="Type"/> is the proto scalar name (<c>int64</c>), <c>message</c> or <c>enum</c>;
/// <paramref name="TypeName"/> the message's or enum's full name (the map value's, for maps), else empty;
/// <paramref name="MapKeyType"/> the scalar key type of a map, else empty; <paramref name="Oneof"/> the
/// name of the (real, not synthetic) oneof it belongs to, else empty.
/// </summary>
internal sealed record OpenApiFieldModel(
    string Name,
    string JsonName,
    string Type,
    string TypeName,
    OpenApiCardinality Cardinality,
    string MapKeyType,
    string Oneof,
    string Description,
    bool IsDeprecated);

internal sealed record OpenApiEnumModel(string FullName, string Description, bool IsDeprecated, EquatableArray<string> Values);
