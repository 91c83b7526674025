using System;
using System.Collections.Generic;

namespace Twirp.OpenApi;

/// <summary>
/// A Twirp service as its OpenAPI document needs it: the unary methods, their messages by proto full name.
/// Read from the data Twirp.SourceGen emits from the <c>.proto</c> (the <c>{Service}TwirpOpenApi</c> class); the messages
/// and enums are registered once for all services (<see cref="TwirpOpenApiServices.RegisterTypes"/>).
/// </summary>
public sealed class TwirpOpenApiService
{
    /// <summary>Creates the data of a service; read from the generated data.</summary>
    internal TwirpOpenApiService(string package, string name, IReadOnlyList<TwirpOpenApiMethod> methods, string? description = null, bool deprecated = false)
    {
        Package = package ?? throw new ArgumentNullException(nameof(package));
        Name = name ?? throw new ArgumentNullException(nameof(name));
        FullName = package.Length == 0 ? name : package + "." + name;
        Methods = methods ?? throw new ArgumentNullException(nameof(methods));
        Description = description;
        Deprecated = deprecated;
    }

    /// <summary>The proto package, empty for a package-less file.</summary>
    public string Package { get; }

    /// <summary>The service's name as written in the <c>.proto</c>.</summary>
    public string Name { get; }

    /// <summary><c>package.Service</c>.</summary>
    public string FullName { get; }

    /// <summary>The unary methods (streaming ones are not served by Twirp).</summary>
    public IReadOnlyList<TwirpOpenApiMethod> Methods { get; }

    /// <summary>The service's comment in the <c>.proto</c>, if any.</summary>
    public string? Description { get; }

    /// <summary>Whether the service has <c>option deprecated = true</c>.</summary>
    public bool Deprecated { get; }
}

/// <summary>A unary rpc: its name and message types.</summary>
public sealed class TwirpOpenApiMethod
{
    /// <summary>Creates the data of a method; read from the generated data.</summary>
    internal TwirpOpenApiMethod(string name, string requestType, string responseType, string? description = null, bool deprecated = false)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        RequestType = requestType ?? throw new ArgumentNullException(nameof(requestType));
        ResponseType = responseType ?? throw new ArgumentNullException(nameof(responseType));
        Description = description;
        Deprecated = deprecated;
    }

    /// <summary>The method's name as written in the <c>.proto</c>.</summary>
    public string Name { get; }

    /// <summary>The request message's full name (<c>pkg.Request</c>).</summary>
    public string RequestType { get; }

    /// <summary>The response message's full name.</summary>
    public string ResponseType { get; }

    /// <summary>The rpc's comment, if any.</summary>
    public string? Description { get; }

    /// <summary>Whether the rpc has <c>option deprecated = true</c>.</summary>
    public bool Deprecated { get; }
}

/// <summary>A message and its fields.</summary>
public sealed class TwirpOpenApiMessage
{
    /// <summary>Creates the data of a message; read from the generated data.</summary>
    internal TwirpOpenApiMessage(string fullName, IReadOnlyList<TwirpOpenApiField> fields, string? description = null, bool deprecated = false)
    {
        FullName = fullName ?? throw new ArgumentNullException(nameof(fullName));
        Fields = fields ?? throw new ArgumentNullException(nameof(fields));
        Description = description;
        Deprecated = deprecated;
    }

    /// <summary>The proto full name (<c>pkg.Outer.Inner</c>).</summary>
    public string FullName { get; }

    /// <summary>The fields, in declaration order.</summary>
    public IReadOnlyList<TwirpOpenApiField> Fields { get; }

    /// <summary>The message's comment, if any.</summary>
    public string? Description { get; }

    /// <summary>Whether the message has <c>option deprecated = true</c>.</summary>
    public bool Deprecated { get; }
}

/// <summary>The type of a field's values (of a map's values, for a map field), or of a map's keys.</summary>
public enum TwirpOpenApiFieldType
{
    /// <summary><c>double</c></summary>
    Double,
    /// <summary><c>float</c></summary>
    Float,
    /// <summary><c>int32</c></summary>
    Int32,
    /// <summary><c>int64</c></summary>
    Int64,
    /// <summary><c>uint32</c></summary>
    UInt32,
    /// <summary><c>uint64</c></summary>
    UInt64,
    /// <summary><c>sint32</c></summary>
    SInt32,
    /// <summary><c>sint64</c></summary>
    SInt64,
    /// <summary><c>fixed32</c></summary>
    Fixed32,
    /// <summary><c>fixed64</c></summary>
    Fixed64,
    /// <summary><c>sfixed32</c></summary>
    SFixed32,
    /// <summary><c>sfixed64</c></summary>
    SFixed64,
    /// <summary><c>bool</c></summary>
    Bool,
    /// <summary><c>string</c></summary>
    String,
    /// <summary><c>bytes</c></summary>
    Bytes,
    /// <summary>A message, named by <see cref="TwirpOpenApiField.TypeName"/>.</summary>
    Message,
    /// <summary>An enum, named by <see cref="TwirpOpenApiField.TypeName"/>.</summary>
    Enum,
}

/// <summary>How many values a field holds.</summary>
public enum TwirpOpenApiCardinality
{
    /// <summary>One value, always present in proto3 JSON written with default values.</summary>
    Singular,
    /// <summary>One value with explicit presence (<c>optional</c>): may be absent, and null is accepted.</summary>
    Optional,
    /// <summary><c>repeated</c>: a JSON array.</summary>
    Repeated,
    /// <summary><c>map&lt;K, V&gt;</c>: a JSON object keyed by the key's string form.</summary>
    Map,
}

/// <summary>A field of a message.</summary>
public sealed class TwirpOpenApiField
{
    /// <summary>Creates the data of a field; read from the generated data.</summary>
    internal TwirpOpenApiField(string name, string jsonName, TwirpOpenApiFieldType type, string? typeName = null,
        TwirpOpenApiCardinality cardinality = TwirpOpenApiCardinality.Singular, TwirpOpenApiFieldType mapKeyType = TwirpOpenApiFieldType.String,
        string? oneof = null, string? description = null, bool deprecated = false)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        JsonName = jsonName ?? throw new ArgumentNullException(nameof(jsonName));
        Type = type;
        TypeName = typeName;
        Cardinality = cardinality;
        MapKeyType = mapKeyType;
        Oneof = oneof;
        Description = description;
        Deprecated = deprecated;
    }

    /// <summary>The field's name in the <c>.proto</c>, used in JSON when proto names are kept.</summary>
    public string Name { get; }

    /// <summary>The lowerCamelCase (or <c>json_name</c>) name.</summary>
    public string JsonName { get; }

    /// <summary>The type of the field's values (a map's values).</summary>
    public TwirpOpenApiFieldType Type { get; }

    /// <summary>The message's or enum's full name when <see cref="Type"/> is one; else null.</summary>
    public string? TypeName { get; }

    /// <summary>Singular, optional, repeated or map.</summary>
    public TwirpOpenApiCardinality Cardinality { get; }

    /// <summary>The key type of a map field.</summary>
    public TwirpOpenApiFieldType MapKeyType { get; }

    /// <summary>The oneof the field belongs to, or null (a proto3 <c>optional</c> field's synthetic oneof is not one).</summary>
    public string? Oneof { get; }

    /// <summary>The field's comment, if any.</summary>
    public string? Description { get; }

    /// <summary>Whether the field has <c>[deprecated = true]</c>.</summary>
    public bool Deprecated { get; }
}

/// <summary>An enum: the names its values are written as in JSON.</summary>
public sealed class TwirpOpenApiEnum
{
    /// <summary>Creates the data of an enum; read from the generated data.</summary>
    internal TwirpOpenApiEnum(string fullName, IReadOnlyList<string> values, string? description = null, bool deprecated = false)
    {
        FullName = fullName ?? throw new ArgumentNullException(nameof(fullName));
        Values = values ?? throw new ArgumentNullException(nameof(values));
        Description = description;
        Deprecated = deprecated;
    }

    /// <summary>The proto full name.</summary>
    public string FullName { get; }

    /// <summary>The value names, in declaration order.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>The enum's comment, if any.</summary>
    public string? Description { get; }

    /// <summary>Whether the enum has <c>option deprecated = true</c>.</summary>
    public bool Deprecated { get; }
}
