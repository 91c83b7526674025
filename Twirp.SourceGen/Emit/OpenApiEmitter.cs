using System.Text;
using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Emit;

/// <summary>
/// Emits the OpenAPI data Twirp.OpenApi serves: per service <c>{Service}TwirpOpenApi</c> (its operations),
/// and once <c>TwirpOpenApiTypes</c> (the messages and enums they reach), each UTF-8 JSON literals
/// registered by a module initializer so that <c>app.MapTwirpOpenApi()</c> finds them without reflection.
/// </summary>
internal static class OpenApiEmitter
{
    private const string Api = "global::Twirp.OpenApi.";

    public static string HintName(OpenApiServiceModel service) => service.HintNamePrefix + ".TwirpOpenApi.g.cs";

    public static string ClassName(OpenApiServiceModel service) => Resolution.GeneratedNames.OpenApiClassName(service.Name);

    public static string Emit(OpenApiServiceModel service) =>
        EmitHelpers.EmitFile(service.ProtoFilePath, service.CSharpNamespace, service, WriteService);

    private static void WriteService(SourceWriter writer, OpenApiServiceModel service)
    {
        writer.WriteLine($"/// <summary>The OpenAPI data of the <c>{service.FullName}</c> Twirp service, served by <c>app.MapTwirpOpenApi()</c>.</summary>");
        writer.WriteLine(EmitHelpers.GeneratedCodeAttribute);
        writer.OpenBlock($"internal static class {ClassName(service)}");
        writer.WriteLine("/// <summary>");
        writer.WriteLine("/// Makes the service's data (its methods; their messages and enums are in <c>TwirpOpenApiTypes</c>) known to");
        writer.WriteLine("/// Twirp.OpenApi when the assembly loads; they are read on first use.");
        writer.WriteLine("/// </summary>");
        writer.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
        writer.WriteLine($"internal static void Register() => {Api}TwirpOpenApiServices.Register({EmitHelpers.Literal(service.FullName)}, static () => \"\"\"");
        var json = new StringBuilder("{\"package\":");
        EmitHelpers.AppendJsonString(json, service.Package);
        json.Append(",\"name\":");
        EmitHelpers.AppendJsonString(json, service.Name);
        AppendDocumented(json, service.Description, service.IsDeprecated);
        json.Append(",\"methods\":[");
        WriteDataLine(writer, json);
        for (var i = 0; i < service.Methods.Count; i++)
        {
            var method = service.Methods[i];
            json.Append("{\"name\":");
            EmitHelpers.AppendJsonString(json, method.Name);
            json.Append(",\"request\":");
            EmitHelpers.AppendJsonString(json, method.RequestType);
            json.Append(",\"response\":");
            EmitHelpers.AppendJsonString(json, method.ResponseType);
            AppendDocumented(json, method.Description, method.IsDeprecated);
            json.Append(i + 1 < service.Methods.Count ? "}," : "}");
            WriteDataLine(writer, json);
        }
        writer.WriteLine("    ]}");
        writer.WriteLine("    \"\"\"u8);");
        writer.CloseBlock();
    }

    public const string TypesHintName = "TwirpOpenApiTypes.g.cs";

    /// <summary>Messages and enums per literal: each one registers on its own, so no literal grows with the API.</summary>
    private const int ChunkSize = 500;

    /// <summary>
    /// Emits <c>TwirpOpenApiTypes</c>: every message and enum the compilation's services reach, once, as
    /// UTF-8 JSON literals (see Twirp.OpenApi's <c>TwirpOpenApiDataReader</c> for the shape) registered by a
    /// module initializer and read on first use. Literals, not object construction: a whole Google API set
    /// compiles in seconds, and UTF-8 literals are not counted against the 16 MB of string literals an
    /// assembly may hold (error CS8103).
    /// </summary>
    public static string EmitTypes(OpenApiTypesModel types) =>
        EmitHelpers.EmitFile("the .proto files", Resolution.GeneratedNames.OpenApiTypesNamespace, types, WriteTypes);

    private static void WriteTypes(SourceWriter writer, OpenApiTypesModel types)
    {
        writer.WriteLine("/// <summary>The messages and enums of the Twirp services' OpenAPI data, by proto full name.</summary>");
        writer.WriteLine(EmitHelpers.GeneratedCodeAttribute);
        writer.OpenBlock("internal static class " + Resolution.GeneratedNames.OpenApiTypesClassName);
        writer.WriteLine("/// <summary>Makes the types known to Twirp.OpenApi when the assembly loads; they are read on first use.</summary>");
        writer.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
        writer.OpenBlock("internal static void Register()");
        var count = types.Messages.Count + types.Enums.Count;
        var json = new StringBuilder();
        for (var index = 0; index < count; index++)
        {
            if (index % ChunkSize == 0)
            {
                writer.WriteLine($"{Api}TwirpOpenApiServices.RegisterTypes(static () => \"\"\"");
                json.Append('[');
                WriteDataLine(writer, json);
            }
            if (index < types.Messages.Count)
            {
                AppendMessage(json, types.Messages[index]);
            }
            else
            {
                AppendEnum(json, types.Enums[index - types.Messages.Count]);
            }
            var lastOfChunk = index + 1 == count || (index + 1) % ChunkSize == 0;
            if (!lastOfChunk)
            {
                json.Append(',');
            }
            WriteDataLine(writer, json);
            if (lastOfChunk)
            {
                writer.WriteLine("    ]");
                writer.WriteLine("    \"\"\"u8);");
            }
        }
        writer.CloseBlock();
        writer.CloseBlock();
    }

    /// <summary>Writes one line of a raw literal's content (indented past its closing quotes) and clears <paramref name="json"/>.</summary>
    private static void WriteDataLine(SourceWriter writer, StringBuilder json)
    {
        writer.WriteLine("    " + json);
        json.Clear();
    }

    private static void AppendMessage(StringBuilder json, OpenApiMessageModel message)
    {
        AppendTypeStart(json, "message", message.FullName, message.Description, message.IsDeprecated, "fields");
        for (var i = 0; i < message.Fields.Count; i++)
        {
            var field = message.Fields[i];
            json.Append(i == 0 ? "{\"name\":" : ",{\"name\":");
            EmitHelpers.AppendJsonString(json, field.Name);
            if (field.JsonName != field.Name)
            {
                json.Append(",\"jsonName\":");
                EmitHelpers.AppendJsonString(json, field.JsonName);
            }
            json.Append(",\"type\":");
            EmitHelpers.AppendJsonString(json, field.Type);
            AppendIfAny(json, "typeName", field.TypeName);
            if (field.Cardinality != OpenApiCardinality.Singular)
            {
                json.Append(",\"label\":\"").Append(Label(field.Cardinality)).Append('"');
            }
            AppendIfAny(json, "keyType", field.MapKeyType);
            AppendIfAny(json, "oneof", field.Oneof);
            AppendDocumented(json, field.Description, field.IsDeprecated);
            json.Append('}');
        }
        json.Append("]}");
    }

    private static void AppendEnum(StringBuilder json, OpenApiEnumModel enumeration)
    {
        AppendTypeStart(json, "enum", enumeration.FullName, enumeration.Description, enumeration.IsDeprecated, "values");
        for (var i = 0; i < enumeration.Values.Count; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }
            EmitHelpers.AppendJsonString(json, enumeration.Values[i]);
        }
        json.Append("]}");
    }

    /// <summary>Opens a message's or enum's object, up to the start of its <paramref name="members"/> array.</summary>
    private static void AppendTypeStart(StringBuilder json, string kind, string fullName, string description, bool isDeprecated, string members)
    {
        json.Append("{\"").Append(kind).Append("\":");
        EmitHelpers.AppendJsonString(json, fullName);
        AppendDocumented(json, description, isDeprecated);
        json.Append(",\"").Append(members).Append("\":[");
    }

    private static string Label(OpenApiCardinality cardinality) => cardinality switch
    {
        OpenApiCardinality.Optional => "optional",
        OpenApiCardinality.Repeated => "repeated",
        _ => "map",
    };

    private static void AppendIfAny(StringBuilder json, string property, string value)
    {
        if (value.Length > 0)
        {
            json.Append(",\"").Append(property).Append("\":");
            EmitHelpers.AppendJsonString(json, value);
        }
    }

    /// <summary>The optional properties every described element has.</summary>
    private static void AppendDocumented(StringBuilder json, string description, bool isDeprecated)
    {
        AppendIfAny(json, "description", description);
        if (isDeprecated)
        {
            json.Append(",\"deprecated\":true");
        }
    }
}
