using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Text.Json;

namespace Twirp.OpenApi;

/// <summary>
/// Returns OpenAPI data Twirp.SourceGen emitted, as UTF-8 JSON (a <c>"""u8</c> literal in the generated
/// code); implemented by generated code.
/// </summary>
/// <remarks>
/// Data rather than object-construction code: a literal costs the compiler next to nothing however large
/// the API (a whole Google API set is tens of thousands of messages), and is read only when a document is
/// first built.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate ReadOnlySpan<byte> TwirpOpenApiData();

/// <summary>
/// Reads the generated data (the generator's <c>OpenApiEmitter</c> writes them): a service is
/// <c>{"package", "name", "description"?, "deprecated"?, "methods": [{"name", "request", "response",
/// "description"?, "deprecated"?}]}</c>; the types are an array of <c>{"message": fullName, "description"?,
/// "deprecated"?, "fields": [{"name", "jsonName"? (when not the name), "type" (a proto scalar,
/// <c>message</c> or <c>enum</c>), "typeName"?, "label"? (<c>optional</c>, <c>repeated</c>, <c>map</c>),
/// "keyType"?, "oneof"?, "description"?, "deprecated"?}]}</c> and <c>{"enum": fullName, "description"?,
/// "deprecated"?, "values": [names]}</c>. Unknown properties are skipped.
/// </summary>
internal static class TwirpOpenApiDataReader
{
    public static TwirpOpenApiService ReadService(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        Read(ref reader);
        Expect(ref reader, JsonTokenType.StartObject);
        string? package = null, name = null, description = null;
        var deprecated = false;
        var methods = new List<TwirpOpenApiMethod>();
        while (NextProperty(ref reader) is { } property)
        {
            switch (property)
            {
                case "package": package = ReadString(ref reader); break;
                case "name": name = ReadString(ref reader); break;
                case "description": description = ReadString(ref reader); break;
                case "deprecated": deprecated = ReadBoolean(ref reader); break;
                case "methods":
                    ReadArray(ref reader, methods, ReadMethod);
                    break;
                default: reader.Skip(); break;
            }
        }
        return new TwirpOpenApiService(Required(package, "package"), Required(name, "name"), methods, description, deprecated);
    }

    /// <summary>Adds the messages and enums of one chunk of the types' data.</summary>
    public static void ReadTypes(ReadOnlySpan<byte> json, List<TwirpOpenApiMessage> messages, List<TwirpOpenApiEnum> enums)
    {
        var reader = new Utf8JsonReader(json);
        Read(ref reader);
        Expect(ref reader, JsonTokenType.StartArray);
        while (Read(ref reader) != JsonTokenType.EndArray)
        {
            Expect(ref reader, JsonTokenType.StartObject);
            string? message = null, enumeration = null, description = null;
            var deprecated = false;
            var fields = new List<TwirpOpenApiField>();
            var values = new List<string>();
            while (NextProperty(ref reader) is { } property)
            {
                switch (property)
                {
                    case "message": message = ReadString(ref reader); break;
                    case "enum": enumeration = ReadString(ref reader); break;
                    case "description": description = ReadString(ref reader); break;
                    case "deprecated": deprecated = ReadBoolean(ref reader); break;
                    case "fields": ReadArray(ref reader, fields, ReadField); break;
                    case "values": ReadArray(ref reader, values, ReadString); break;
                    default: reader.Skip(); break;
                }
            }
            if (message is not null)
            {
                messages.Add(new TwirpOpenApiMessage(message, fields, description, deprecated));
            }
            else
            {
                enums.Add(new TwirpOpenApiEnum(Required(enumeration, "message or enum"), values, description, deprecated));
            }
        }
    }

    private static TwirpOpenApiMethod ReadMethod(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        string? name = null, request = null, response = null, description = null;
        var deprecated = false;
        while (NextProperty(ref reader) is { } property)
        {
            switch (property)
            {
                case "name": name = ReadString(ref reader); break;
                case "request": request = ReadString(ref reader); break;
                case "response": response = ReadString(ref reader); break;
                case "description": description = ReadString(ref reader); break;
                case "deprecated": deprecated = ReadBoolean(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        return new TwirpOpenApiMethod(Required(name, "name"), Required(request, "request"), Required(response, "response"), description, deprecated);
    }

    private static TwirpOpenApiField ReadField(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        string? name = null, jsonName = null, typeName = null, oneof = null, description = null;
        var type = TwirpOpenApiFieldType.String;
        var keyType = TwirpOpenApiFieldType.String;
        var cardinality = TwirpOpenApiCardinality.Singular;
        var deprecated = false;
        var typed = false;
        while (NextProperty(ref reader) is { } property)
        {
            switch (property)
            {
                case "name": name = ReadString(ref reader); break;
                case "jsonName": jsonName = ReadString(ref reader); break;
                case "type": type = FieldType(ReadString(ref reader)); typed = true; break;
                case "typeName": typeName = ReadString(ref reader); break;
                case "label": cardinality = Cardinality(ReadString(ref reader)); break;
                case "keyType": keyType = FieldType(ReadString(ref reader)); break;
                case "oneof": oneof = ReadString(ref reader); break;
                case "description": description = ReadString(ref reader); break;
                case "deprecated": deprecated = ReadBoolean(ref reader); break;
                default: reader.Skip(); break;
            }
        }
        if (!typed)
        {
            throw new JsonException("A field of the generated OpenAPI data has no \"type\".");
        }
        name = Required(name, "name");
        return new TwirpOpenApiField(name, jsonName ?? name, type, typeName, cardinality, keyType, oneof, description, deprecated);
    }

    private static TwirpOpenApiFieldType FieldType(string type) => type switch
    {
        "double" => TwirpOpenApiFieldType.Double,
        "float" => TwirpOpenApiFieldType.Float,
        "int32" => TwirpOpenApiFieldType.Int32,
        "int64" => TwirpOpenApiFieldType.Int64,
        "uint32" => TwirpOpenApiFieldType.UInt32,
        "uint64" => TwirpOpenApiFieldType.UInt64,
        "sint32" => TwirpOpenApiFieldType.SInt32,
        "sint64" => TwirpOpenApiFieldType.SInt64,
        "fixed32" => TwirpOpenApiFieldType.Fixed32,
        "fixed64" => TwirpOpenApiFieldType.Fixed64,
        "sfixed32" => TwirpOpenApiFieldType.SFixed32,
        "sfixed64" => TwirpOpenApiFieldType.SFixed64,
        "bool" => TwirpOpenApiFieldType.Bool,
        "string" => TwirpOpenApiFieldType.String,
        "bytes" => TwirpOpenApiFieldType.Bytes,
        "message" => TwirpOpenApiFieldType.Message,
        "enum" => TwirpOpenApiFieldType.Enum,
        _ => throw new JsonException($"Unknown field type \"{type}\" in the generated OpenAPI data."),
    };

    private static TwirpOpenApiCardinality Cardinality(string label) => label switch
    {
        "optional" => TwirpOpenApiCardinality.Optional,
        "repeated" => TwirpOpenApiCardinality.Repeated,
        "map" => TwirpOpenApiCardinality.Map,
        _ => throw new JsonException($"Unknown field label \"{label}\" in the generated OpenAPI data."),
    };

    private delegate T ItemReader<T>(ref Utf8JsonReader reader);

    private static void ReadArray<T>(ref Utf8JsonReader reader, List<T> items, ItemReader<T> readItem)
    {
        Read(ref reader);
        Expect(ref reader, JsonTokenType.StartArray);
        while (Read(ref reader) != JsonTokenType.EndArray)
        {
            items.Add(readItem(ref reader));
        }
    }

    /// <summary>The next property's name (the reader then stands on it), or null at the object's end.</summary>
    private static string? NextProperty(ref Utf8JsonReader reader)
    {
        if (Read(ref reader) == JsonTokenType.EndObject)
        {
            return null;
        }
        Expect(ref reader, JsonTokenType.PropertyName);
        return reader.GetString();
    }

    /// <summary>Reads a string value: the next token after a property name, or the current one in an array.</summary>
    private static string ReadString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.PropertyName)
        {
            Read(ref reader);
        }
        Expect(ref reader, JsonTokenType.String);
        return reader.GetString()!;
    }

    private static bool ReadBoolean(ref Utf8JsonReader reader)
    {
        Read(ref reader);
        return reader.GetBoolean();
    }

    private static JsonTokenType Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("The generated OpenAPI data end too early.");
        }
        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (reader.TokenType != expected)
        {
            throw new JsonException($"The generated OpenAPI data have {reader.TokenType} where {expected} belongs (at byte {reader.TokenStartIndex}).");
        }
    }

    private static string Required(string? value, string property) =>
        value ?? throw new JsonException($"The generated OpenAPI data lack \"{property}\".");
}
