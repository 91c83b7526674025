using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Twirp.OpenApi;

/// <summary>A Twirp service as mapped in the app.</summary>
/// <param name="Service">The generated data of the service.</param>
/// <param name="BasePath">The path before <c>/package.Service</c>: route groups and the path prefix.</param>
/// <param name="Configuration">The service's configuration as it applies.</param>
/// <param name="AuthorizedMethods">The methods whose endpoints require authorization; the others are said to need no security.</param>
internal readonly record struct MappedTwirpService(TwirpOpenApiService Service, string BasePath, TwirpServiceEndpointMetadata Configuration,
    IReadOnlySet<string> AuthorizedMethods);

/// <summary>
/// Builds the OpenAPI 3.1 document of mapped Twirp services: one POST operation per method, message and
/// enum schemas as proto3 JSON under their full names, and the Twirp error schema.
/// </summary>
internal sealed class TwirpOpenApiDocumentBuilder
{
    public const string ErrorSchemaName = "TwirpError";
    private const string SchemaRef = "#/components/schemas/";
    private const string CamelCaseSuffix = "-camelCase";

    private readonly JsonObject _schemas = new();
    private readonly JsonObject _responses = new();
    private readonly Queue<(string FullName, bool ProtoNames)> _pending = new();
    private bool _mixedNaming;

    /// <summary>The document: <c>paths</c>, <c>tags</c> and <c>components</c> for <paramref name="services"/>.</summary>
    public static JsonObject Build(IReadOnlyList<MappedTwirpService> services, TwirpOpenApiOptions options)
    {
        var builder = new TwirpOpenApiDocumentBuilder();
        var document = new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = Info(options),
        };
        var (paths, tags) = builder.AddServices(services);
        document["tags"] = tags;
        document["paths"] = paths;
        document["components"] = new JsonObject { ["schemas"] = builder._schemas, ["responses"] = builder._responses };
        return document;
    }

    private static JsonObject Info(TwirpOpenApiOptions options)
    {
        var info = new JsonObject { ["title"] = options.Title, ["version"] = options.Version };
        if (!string.IsNullOrEmpty(options.Description))
        {
            info["description"] = options.Description;
        }
        return info;
    }

    /// <summary>Adds the operations of <paramref name="services"/>; returns the <c>paths</c> and <c>tags</c> objects.</summary>
    public (JsonObject Paths, JsonArray Tags) AddServices(IReadOnlyList<MappedTwirpService> services)
    {
        var naming = new HashSet<bool>();
        foreach (var mapped in services)
        {
            naming.Add(mapped.Configuration.JsonUseProtoNames);
        }
        _mixedNaming = naming.Count > 1;

        var paths = new JsonObject();
        var tags = new JsonArray();
        var tagged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mapped in services)
        {
            var service = mapped.Service;
            if (tagged.Add(service.FullName))
            {
                var tag = new JsonObject { ["name"] = service.FullName };
                if (!string.IsNullOrEmpty(service.Description))
                {
                    tag["description"] = service.Description;
                }
                tags.Add((JsonNode)tag);
            }
            foreach (var method in service.Methods)
            {
                paths[mapped.BasePath + "/" + service.FullName + "/" + method.Name] = new JsonObject { ["post"] = Operation(mapped, method) };
            }
        }
        AddErrorComponents();
        while (_pending.Count > 0)
        {
            var (fullName, protoNames) = _pending.Dequeue();
            AddSchema(fullName, protoNames);
        }
        return (paths, tags);
    }

    private JsonObject Operation(MappedTwirpService mapped, TwirpOpenApiMethod method)
    {
        var service = mapped.Service;
        var configuration = mapped.Configuration;
        var operation = new JsonObject
        {
            ["operationId"] = service.FullName + "." + method.Name,
            ["tags"] = new JsonArray(service.FullName),
        };
        var (summary, description) = SummaryAndDescription(method.Description);
        operation["summary"] = summary ?? method.Name;
        if (description is not null)
        {
            operation["description"] = description;
        }
        if (method.Deprecated || service.Deprecated)
        {
            operation["deprecated"] = true;
        }
        if (!mapped.AuthorizedMethods.Contains(method.Name))
        {
            // Stated, not left out: an endpoint without authorization metadata takes anonymous calls.
            operation["security"] = new JsonArray();
        }
        var limit = configuration.MaxRequestBodySize is { } max
            ? $" At most {max.ToString(CultureInfo.InvariantCulture)} bytes: a larger body is answered with `resource_exhausted`."
            : string.Empty;
        var naming = configuration.JsonUseProtoNames
            ? "Field names may be the .proto names (as in responses) or their lowerCamelCase JSON names."
            : "Field names may be the lowerCamelCase JSON names (as in responses) or the .proto names.";
        var requestBody = new JsonObject
        {
            ["required"] = true,
            ["description"] = $"`{method.RequestType}` as proto3 JSON or binary protobuf. {naming}{limit}",
            ["content"] = Content(method.RequestType, configuration.JsonUseProtoNames),
        };
        if (configuration.MaxRequestBodySize is { } maxSize)
        {
            requestBody["x-twirp-max-body-size"] = maxSize;
        }
        operation["requestBody"] = requestBody;
        var responses = new JsonObject
        {
            ["200"] = new JsonObject
            {
                ["description"] = $"`{method.ResponseType}`, in the request's content type.",
                ["content"] = Content(method.ResponseType, configuration.JsonUseProtoNames),
            },
        };
        foreach (var status in ErrorStatuses())
        {
            responses[status] = new JsonObject { ["$ref"] = "#/components/responses/" + ErrorResponseName(status) };
        }
        operation["responses"] = responses;
        return operation;
    }

    private JsonObject Content(string messageName, bool protoNames) => new()
    {
        ["application/json"] = new JsonObject { ["schema"] = Reference(messageName, protoNames) },
        ["application/protobuf"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["format"] = "binary" } },
    };

    /// <summary>A <c>$ref</c> to the schema of a message or enum, queued to be added to the components.</summary>
    private JsonObject Reference(string fullName, bool protoNames)
    {
        var name = ComponentName(fullName, protoNames);
        if (!_schemas.ContainsKey(name))
        {
            // Reserve the name now, so recursive messages are queued once.
            _schemas[name] = null;
            _pending.Enqueue((fullName, protoNames));
        }
        return new JsonObject { ["$ref"] = SchemaRef + name };
    }

    /// <summary>
    /// The full proto name; only when the document holds services writing proto names and services
    /// writing lowerCamelCase names do the latter's messages get a suffix.
    /// </summary>
    private string ComponentName(string fullName, bool protoNames) =>
        _mixedNaming && !protoNames && TwirpOpenApiServices.FindMessage(fullName) is not null ? fullName + CamelCaseSuffix : fullName;

    private void AddSchema(string fullName, bool protoNames)
    {
        var name = ComponentName(fullName, protoNames);
        if (ProtoJsonSchemas.WellKnown(fullName) is { } wellKnown)
        {
            _schemas[name] = wellKnown;
        }
        else if (TwirpOpenApiServices.FindMessage(fullName) is { } message)
        {
            _schemas[name] = MessageSchema(message, protoNames);
        }
        else if (TwirpOpenApiServices.FindEnum(fullName) is { } enumeration)
        {
            _schemas[name] = EnumSchema(enumeration);
        }
        else
        {
            // Only reachable with data from an older generator: say so rather than leave a dangling $ref.
            _schemas[name] = new JsonObject { ["description"] = $"`{fullName}` is not described by the generated data." };
        }
    }

    private JsonObject MessageSchema(TwirpOpenApiMessage message, bool protoNames)
    {
        var schema = new JsonObject { ["type"] = "object" };
        Describe(schema, message.Description, message.Deprecated);
        var properties = new JsonObject();
        var oneofs = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var field in message.Fields)
        {
            var propertyName = protoNames ? field.Name : field.JsonName;
            properties[propertyName] = FieldSchema(field, protoNames);
            if (field.Oneof is { } oneof)
            {
                if (!oneofs.TryGetValue(oneof, out var members))
                {
                    oneofs[oneof] = members = new List<string>();
                }
                members.Add(propertyName);
            }
        }
        if (properties.Count > 0)
        {
            schema["properties"] = properties;
        }
        // At most one member of each oneof: no two of them together.
        var together = new JsonArray();
        foreach (var members in oneofs.Values)
        {
            for (var i = 0; i < members.Count; i++)
            {
                for (var j = i + 1; j < members.Count; j++)
                {
                    together.Add((JsonNode)new JsonObject { ["required"] = new JsonArray(members[i], members[j]) });
                }
            }
        }
        if (together.Count > 0)
        {
            schema["not"] = new JsonObject { ["anyOf"] = together };
        }
        return schema;
    }

    private JsonObject FieldSchema(TwirpOpenApiField field, bool protoNames)
    {
        var value = field.Type switch
        {
            TwirpOpenApiFieldType.Message or TwirpOpenApiFieldType.Enum when field.TypeName is { } typeName => Reference(typeName, protoNames),
            _ => ProtoJsonSchemas.Scalar(field.Type),
        };
        JsonObject schema;
        switch (field.Cardinality)
        {
            case TwirpOpenApiCardinality.Repeated:
                schema = new JsonObject { ["type"] = "array", ["items"] = value };
                break;
            case TwirpOpenApiCardinality.Map:
                schema = new JsonObject { ["type"] = "object", ["additionalProperties"] = value };
                if (MapKeyPattern(field.MapKeyType) is { } keys)
                {
                    schema["propertyNames"] = keys;
                }
                break;
            case TwirpOpenApiCardinality.Optional:
                schema = ProtoJsonSchemas.Nullable(value);
                break;
            default:
                schema = field.Type == TwirpOpenApiFieldType.Message && field.TypeName is { } name && ProtoJsonSchemas.IsWrapper(name)
                    ? ProtoJsonSchemas.Nullable(value)
                    : value;
                break;
        }
        var description = field.Description;
        if (field.Oneof is { } oneof)
        {
            var note = $"Member of oneof `{oneof}`: at most one of its fields is set.";
            description = string.IsNullOrEmpty(description) ? note : description + "\n\n" + note;
        }
        if (schema.ContainsKey("$ref") && (!string.IsNullOrEmpty(description) || field.Deprecated))
        {
            // Annotations beside a $ref are allowed in 3.1, but some tools drop them: wrap instead.
            schema = new JsonObject { ["allOf"] = new JsonArray(schema) };
        }
        Describe(schema, description, field.Deprecated);
        return schema;
    }

    private static JsonObject? MapKeyPattern(TwirpOpenApiFieldType keyType) => keyType switch
    {
        TwirpOpenApiFieldType.String => null,
        TwirpOpenApiFieldType.Bool => new JsonObject { ["enum"] = new JsonArray("true", "false") },
        TwirpOpenApiFieldType.UInt32 or TwirpOpenApiFieldType.Fixed32 or TwirpOpenApiFieldType.UInt64 or TwirpOpenApiFieldType.Fixed64 =>
            new JsonObject { ["pattern"] = "^[0-9]+$" },
        _ => new JsonObject { ["pattern"] = ProtoJsonSchemas.IntegerPattern },
    };

    private static JsonObject EnumSchema(TwirpOpenApiEnum enumeration)
    {
        var values = new JsonArray();
        foreach (var value in enumeration.Values)
        {
            values.Add((JsonNode?)JsonValue.Create(value));
        }
        var schema = new JsonObject { ["type"] = "string", ["enum"] = values };
        Describe(schema, enumeration.Description, enumeration.Deprecated);
        return schema;
    }

    private static void Describe(JsonObject schema, string? description, bool deprecated)
    {
        if (!string.IsNullOrEmpty(description))
        {
            schema["description"] = description;
        }
        if (deprecated)
        {
            schema["deprecated"] = true;
        }
    }

    /// <summary>The first line of a comment as the summary, the whole comment as the description when it has more.</summary>
    private static (string? Summary, string? Description) SummaryAndDescription(string? comment)
    {
        if (string.IsNullOrEmpty(comment))
        {
            return (null, null);
        }
        var newline = comment!.IndexOf('\n');
        return newline < 0 ? (comment, null) : (comment.Substring(0, newline).TrimEnd('.', ':'), comment);
    }

    private static readonly TwirpErrorCode[] s_codes = Enum.GetValues<TwirpErrorCode>();

    private static SortedSet<string> ErrorStatuses()
    {
        var statuses = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var code in s_codes)
        {
            statuses.Add(code.ToHttpStatus().ToString(CultureInfo.InvariantCulture));
        }
        return statuses;
    }

    private static string ErrorResponseName(string status) => ErrorSchemaName + status;

    private void AddErrorComponents()
    {
        if (_schemas.ContainsKey(ErrorSchemaName))
        {
            return;
        }
        var codes = new JsonArray();
        foreach (var code in s_codes)
        {
            codes.Add((JsonNode?)JsonValue.Create(code.ToWireName()));
        }
        _schemas[ErrorSchemaName] = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "A Twirp error (https://twitchtv.github.io/twirp/docs/spec_v7.html#error-codes).",
            ["required"] = new JsonArray("code", "msg"),
            ["properties"] = new JsonObject
            {
                ["code"] = new JsonObject { ["type"] = "string", ["enum"] = codes },
                ["msg"] = new JsonObject { ["type"] = "string", ["description"] = "A human-readable message." },
                ["meta"] = new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = new JsonObject { ["type"] = "string" },
                    ["description"] = "Extra information as string keys and values.",
                },
            },
        };
        foreach (var status in ErrorStatuses())
        {
            var statusCodes = new JsonArray();
            var names = new StringBuilder();
            foreach (var code in s_codes)
            {
                if (code.ToHttpStatus().ToString(CultureInfo.InvariantCulture) == status)
                {
                    statusCodes.Add((JsonNode?)JsonValue.Create(code.ToWireName()));
                    names.Append(names.Length == 0 ? "`" : ", `").Append(code.ToWireName()).Append('`');
                }
            }
            _responses[ErrorResponseName(status)] = new JsonObject
            {
                ["description"] = "A Twirp error: " + names,
                ["content"] = new JsonObject
                {
                    ["application/json"] = new JsonObject
                    {
                        ["schema"] = new JsonObject
                        {
                            ["allOf"] = new JsonArray(
                                new JsonObject { ["$ref"] = SchemaRef + ErrorSchemaName },
                                new JsonObject { ["properties"] = new JsonObject { ["code"] = new JsonObject { ["enum"] = statusCodes } } }),
                        },
                    },
                },
            };
        }
    }
}
