using System.Text.Json.Nodes;

namespace Twirp.OpenApi;

/// <summary>
/// JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of the proto3 JSON mapping: scalars, and the
/// well-known types written in a form of their own. https://protobuf.dev/programming-guides/json/
/// </summary>
internal static class ProtoJsonSchemas
{
    public const string IntegerPattern = "^-?[0-9]+$";

    public static JsonObject Scalar(TwirpOpenApiFieldType type) => type switch
    {
        TwirpOpenApiFieldType.Double => FloatingPoint("double"),
        TwirpOpenApiFieldType.Float => FloatingPoint("float"),
        TwirpOpenApiFieldType.Int32 or TwirpOpenApiFieldType.SInt32 or TwirpOpenApiFieldType.SFixed32 =>
            new JsonObject { ["type"] = "integer", ["format"] = "int32", ["minimum"] = int.MinValue, ["maximum"] = int.MaxValue },
        TwirpOpenApiFieldType.UInt32 or TwirpOpenApiFieldType.Fixed32 =>
            new JsonObject { ["type"] = "integer", ["format"] = "uint32", ["minimum"] = 0, ["maximum"] = uint.MaxValue },
        // 64-bit integers are strings in JSON: a JavaScript number cannot hold them exactly.
        TwirpOpenApiFieldType.Int64 or TwirpOpenApiFieldType.SInt64 or TwirpOpenApiFieldType.SFixed64 =>
            new JsonObject { ["type"] = "string", ["format"] = "int64", ["pattern"] = IntegerPattern },
        TwirpOpenApiFieldType.UInt64 or TwirpOpenApiFieldType.Fixed64 =>
            new JsonObject { ["type"] = "string", ["format"] = "uint64", ["pattern"] = "^[0-9]+$" },
        TwirpOpenApiFieldType.Bool => new JsonObject { ["type"] = "boolean" },
        TwirpOpenApiFieldType.String => new JsonObject { ["type"] = "string" },
        TwirpOpenApiFieldType.Bytes => new JsonObject { ["type"] = "string", ["format"] = "byte", ["contentEncoding"] = "base64" },
        _ => new JsonObject(),
    };

    /// <summary>A number, or one of the strings <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>.</summary>
    private static JsonObject FloatingPoint(string format) => new()
    {
        ["anyOf"] = new JsonArray(
            new JsonObject { ["type"] = "number", ["format"] = format },
            new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("NaN", "Infinity", "-Infinity") }),
    };

    /// <summary>The schema of a well-known type whose JSON form is its own, or null for any other message.</summary>
    public static JsonObject? WellKnown(string fullName) => fullName switch
    {
        "google.protobuf.Timestamp" => new JsonObject
        {
            ["type"] = "string",
            ["format"] = "date-time",
            ["description"] = "An RFC 3339 UTC time with 0, 3, 6 or 9 fractional digits, e.g. \"1972-01-01T10:00:20.021Z\".",
        },
        "google.protobuf.Duration" => new JsonObject
        {
            ["type"] = "string",
            ["pattern"] = "^-?[0-9]+(\\.[0-9]{1,9})?s$",
            ["description"] = "Seconds with up to 9 fractional digits and the suffix \"s\", e.g. \"1.5s\".",
        },
        "google.protobuf.FieldMask" => new JsonObject
        {
            ["type"] = "string",
            ["description"] = "Field paths in lowerCamelCase, separated by commas, e.g. \"user.displayName,photo\".",
        },
        "google.protobuf.Struct" => new JsonObject { ["type"] = "object", ["additionalProperties"] = true, ["description"] = "Any JSON object." },
        "google.protobuf.Value" => new JsonObject { ["description"] = "Any JSON value." },
        "google.protobuf.ListValue" => new JsonObject { ["type"] = "array", ["items"] = true, ["description"] = "Any JSON array." },
        "google.protobuf.NullValue" => new JsonObject { ["type"] = "null" },
        "google.protobuf.Empty" => new JsonObject { ["type"] = "object", ["description"] = "An empty message: {}." },
        "google.protobuf.Any" => new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("@type"),
            ["properties"] = new JsonObject { ["@type"] = new JsonObject { ["type"] = "string", ["description"] = "The type URL, e.g. \"type.googleapis.com/pkg.Message\"." } },
            ["additionalProperties"] = true,
            ["description"] = "A message of any type: its fields (or \"value\", for a type with a JSON form of its own) beside \"@type\".",
        },
        "google.protobuf.DoubleValue" => Scalar(TwirpOpenApiFieldType.Double),
        "google.protobuf.FloatValue" => Scalar(TwirpOpenApiFieldType.Float),
        "google.protobuf.Int64Value" => Scalar(TwirpOpenApiFieldType.Int64),
        "google.protobuf.UInt64Value" => Scalar(TwirpOpenApiFieldType.UInt64),
        "google.protobuf.Int32Value" => Scalar(TwirpOpenApiFieldType.Int32),
        "google.protobuf.UInt32Value" => Scalar(TwirpOpenApiFieldType.UInt32),
        "google.protobuf.BoolValue" => Scalar(TwirpOpenApiFieldType.Bool),
        "google.protobuf.StringValue" => Scalar(TwirpOpenApiFieldType.String),
        "google.protobuf.BytesValue" => Scalar(TwirpOpenApiFieldType.Bytes),
        _ => null,
    };

    /// <summary>Wrapper types: a field of one is nullable, null meaning absent.</summary>
    public static bool IsWrapper(string fullName) => fullName switch
    {
        "google.protobuf.DoubleValue" or "google.protobuf.FloatValue" or "google.protobuf.Int64Value" or "google.protobuf.UInt64Value"
            or "google.protobuf.Int32Value" or "google.protobuf.UInt32Value" or "google.protobuf.BoolValue"
            or "google.protobuf.StringValue" or "google.protobuf.BytesValue" => true,
        _ => false,
    };

    /// <summary><paramref name="schema"/> or null.</summary>
    public static JsonObject Nullable(JsonObject schema)
    {
        if (schema["type"] is JsonValue type && !schema.ContainsKey("enum"))
        {
            // A simple typed schema: widen its type rather than nest it.
            schema["type"] = new JsonArray(type.GetValue<string>(), "null");
            return schema;
        }
        if (schema["anyOf"] is JsonArray anyOf)
        {
            anyOf.Add((JsonNode)new JsonObject { ["type"] = "null" });
            return schema;
        }
        return new JsonObject { ["anyOf"] = new JsonArray(schema, new JsonObject { ["type"] = "null" }) };
    }
}
