using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Emit;

/// <summary>Emits <c>{Service}Base</c>, the abstract class a server implements and <c>MapTwirp</c> serves.</summary>
internal static class ServerEmitter
{
    public static string HintName(ServiceModel service) => service.HintNamePrefix + ".TwirpServer.g.cs";

    public static string Emit(ServiceModel service) => EmitHelpers.EmitFile(service, WriteTypes);

    private static void WriteTypes(SourceWriter writer, ServiceModel service)
    {
        var className = service.ServerClassName;
        var methods = EmitHelpers.QualifiedName(service, service.MethodsClassName);

        EmitHelpers.WriteDocComment(writer, service.Comment, $"Base class for servers of the <c>{EmitHelpers.DocText(service.FullName)}</c> Twirp service. Implement it and call <c>app.MapTwirp&lt;T&gt;()</c>.");
        EmitHelpers.WriteObsoleteIfDeprecated(writer, service.IsDeprecated);
        writer.WriteLine(EmitHelpers.GeneratedCodeAttribute);
        writer.OpenBlock($"{EmitHelpers.Accessibility(service)} abstract partial class {className} : global::Twirp.ITwirpService");

        foreach (var method in service.Methods)
        {
            EmitHelpers.WriteDocComment(writer, method.Comment, $"Handles <c>{EmitHelpers.DocText(method.Name)}</c>.");
            EmitHelpers.WriteObsoleteIfDeprecated(writer, method.IsDeprecated);
            writer.WriteLine($"public abstract global::System.Threading.Tasks.Task<{method.ResponseCSharpType}> {method.HandlerName}({method.RequestCSharpType} request, global::Twirp.TwirpContext context);");
            writer.WriteLine();
        }

        writer.WriteLine($"private static readonly global::Twirp.TwirpServiceDefinition {service.DefinitionFieldName} = new(");
        writer.WriteLine($"    {methods}.Package,");
        writer.WriteLine($"    {methods}.ServiceName,");
        writer.WriteLine("    new global::Twirp.TwirpServerMethod[]");
        writer.WriteLine("    {");
        foreach (var method in service.Methods)
        {
            // The handler's metadata name (no '@'): MapTwirp reads the override's attributes through it.
            writer.WriteLine(
                $"        global::Twirp.TwirpServerMethod.Create<{className}, {method.RequestCSharpType}, {method.ResponseCSharpType}>(" +
                $"{methods}.{method.DescriptorName}, {EmitHelpers.Literal(method.HandlerName.TrimStart('@'))}, static (service, request, context) => service.{method.HandlerName}(request, context)),");
        }
        writer.WriteLine("    });");
        writer.WriteLine();
        writer.WriteLine($"static global::Twirp.TwirpServiceDefinition global::Twirp.ITwirpService.Definition => {service.DefinitionFieldName};");
        writer.CloseBlock();
    }
}
