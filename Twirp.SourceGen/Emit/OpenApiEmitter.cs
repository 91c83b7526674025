using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Emit;

/// <summary>
/// Emits the OpenAPI data Twirp.OpenApi serves: per service <c>{Service}TwirpOpenApi</c> (its operations),
/// and once <c>TwirpOpenApiTypes</c> (the messages and enums they reach), each registered by a module
/// initializer so that <c>app.MapTwirpOpenApi()</c> finds them without reflection.
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
        writer.WriteLine("/// <summary>The service and its methods; their messages and enums are in <c>TwirpOpenApiTypes</c>.</summary>");
        writer.WriteLine($"public static {Api}TwirpOpenApiService Service {{ get; }} = new(");
        writer.WriteLine($"    {EmitHelpers.Literal(service.Package)},");
        writer.WriteLine($"    {EmitHelpers.Literal(service.Name)},");
        writer.WriteLine($"    new {Api}TwirpOpenApiMethod[]");
        writer.WriteLine("    {");
        foreach (var method in service.Methods)
        {
            writer.WriteLine($"        new({EmitHelpers.Literal(method.Name)}, {EmitHelpers.Literal(method.RequestType)}, {EmitHelpers.Literal(method.ResponseType)}"
                + Documented(method.Description, method.IsDeprecated) + "),");
        }
        writer.WriteLine("    }" + Documented(service.Description, service.IsDeprecated) + ");");
        writer.WriteLine();
        writer.WriteLine("/// <summary>Makes <see cref=\"Service\"/> known to Twirp.OpenApi when the assembly loads; it is built on first use.</summary>");
        writer.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
        writer.WriteLine($"internal static void Register() => {Api}TwirpOpenApiServices.Register({EmitHelpers.Literal(service.FullName)}, static () => Service);");
        writer.CloseBlock();
    }

    public const string TypesHintName = "TwirpOpenApiTypes.g.cs";


    /// <summary>Messages or enums per method: a method per chunk keeps each one small enough to JIT quickly, however large the API.</summary>
    private const int ChunkSize = 100;

    /// <summary>
    /// Emits <c>TwirpOpenApiTypes</c>: every message and enum the compilation's services reach, once,
    /// registered by a module initializer and built on first use.
    /// </summary>
    public static string EmitTypes(OpenApiTypesModel types) =>
        EmitHelpers.EmitFile("the .proto files", Resolution.GeneratedNames.OpenApiTypesNamespace, types, WriteTypes);

    private static void WriteTypes(SourceWriter writer, OpenApiTypesModel types)
    {
        writer.WriteLine("/// <summary>The messages and enums of the Twirp services' OpenAPI data, by proto full name.</summary>");
        writer.WriteLine(EmitHelpers.GeneratedCodeAttribute);
        writer.OpenBlock("internal static class " + Resolution.GeneratedNames.OpenApiTypesClassName);
        writer.WriteLine("/// <summary>Makes the types known to Twirp.OpenApi when the assembly loads; they are built on first use.</summary>");
        writer.WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]");
        writer.WriteLine($"internal static void Register() => {Api}TwirpOpenApiServices.RegisterTypes(static () => Messages(), static () => Enums());");
        WriteChunked(writer, "Messages", "TwirpOpenApiMessage", types.Messages, static (writer, message) =>
        {
            writer.WriteLine($"items.Add(new({EmitHelpers.Literal(message.FullName)}, new {Api}TwirpOpenApiField[]");
            writer.WriteLine("{");
            foreach (var field in message.Fields)
            {
                writer.WriteLine("    " + Field(field) + ",");
            }
            writer.WriteLine("}" + Documented(message.Description, message.IsDeprecated) + "));");
        });
        WriteChunked(writer, "Enums", "TwirpOpenApiEnum", types.Enums, static (writer, enumeration) =>
        {
            var values = new System.Text.StringBuilder();
            foreach (var value in enumeration.Values)
            {
                values.Append(values.Length == 0 ? string.Empty : ", ").Append(EmitHelpers.Literal(value));
            }
            writer.WriteLine($"items.Add(new({EmitHelpers.Literal(enumeration.FullName)}, new string[] {{ {values} }}"
                + Documented(enumeration.Description, enumeration.IsDeprecated) + "));");
        });
        writer.CloseBlock();
    }

    private static void WriteChunked<T>(SourceWriter writer, string name, string type, EquatableArray<T> items, System.Action<SourceWriter, T> writeItem)
        where T : System.IEquatable<T>
    {
        var list = $"global::System.Collections.Generic.List<{Api}{type}>";
        var chunks = (items.Count + ChunkSize - 1) / ChunkSize;
        writer.WriteLine();
        writer.OpenBlock($"private static {list} {name}()");
        writer.WriteLine($"var items = new {list}({items.Count});");
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            writer.WriteLine($"Add{name}{chunk}(items);");
        }
        writer.WriteLine("return items;");
        writer.CloseBlock();
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            writer.WriteLine();
            writer.OpenBlock($"private static void Add{name}{chunk}({list} items)");
            for (var i = chunk * ChunkSize; i < items.Count && i < (chunk + 1) * ChunkSize; i++)
            {
                writeItem(writer, items[i]);
            }
            writer.CloseBlock();
        }
    }

    private static string Field(OpenApiFieldModel field)
    {
        var text = new System.Text.StringBuilder("new(")
            .Append(EmitHelpers.Literal(field.Name)).Append(", ")
            .Append(EmitHelpers.Literal(field.JsonName)).Append(", ")
            .Append(Api).Append("TwirpOpenApiFieldType.").Append(FieldType(field.Type));
        if (field.TypeName.Length > 0)
        {
            text.Append(", typeName: ").Append(EmitHelpers.Literal(field.TypeName));
        }
        if (field.Cardinality != OpenApiCardinality.Singular)
        {
            text.Append(", cardinality: ").Append(Api).Append("TwirpOpenApiCardinality.").Append(field.Cardinality);
        }
        if (field.MapKeyType.Length > 0)
        {
            text.Append(", mapKeyType: ").Append(Api).Append("TwirpOpenApiFieldType.").Append(FieldType(field.MapKeyType));
        }
        if (field.Oneof.Length > 0)
        {
            text.Append(", oneof: ").Append(EmitHelpers.Literal(field.Oneof));
        }
        return text.Append(Documented(field.Description, field.IsDeprecated)).Append(')').ToString();
    }

    /// <summary>The optional trailing arguments every described element takes.</summary>
    private static string Documented(string description, bool isDeprecated) =>
        (description.Length > 0 ? ", description: " + EmitHelpers.Literal(description) : string.Empty)
        + (isDeprecated ? ", deprecated: true" : string.Empty);

    private static string FieldType(string protoType) => protoType switch
    {
        "double" => "Double",
        "float" => "Float",
        "int32" => "Int32",
        "int64" => "Int64",
        "uint32" => "UInt32",
        "uint64" => "UInt64",
        "sint32" => "SInt32",
        "sint64" => "SInt64",
        "fixed32" => "Fixed32",
        "fixed64" => "Fixed64",
        "sfixed32" => "SFixed32",
        "sfixed64" => "SFixed64",
        "bool" => "Bool",
        "string" => "String",
        "bytes" => "Bytes",
        "enum" => "Enum",
        _ => "Message",
    };
}
