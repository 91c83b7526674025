using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Emit;

/// <summary>Emits <c>{Service}Base</c>, the abstract class a server implements and <c>MapTwirp</c> serves.</summary>
internal static class ServerEmitter
{
    public static string HintName(ServiceModel service) => service.HintNamePrefix + ".TwirpServer.g.cs";

    public static string ClassName(ServiceModel service) => service.CSharpName + "Base";

    public static string Emit(ServiceModel service) => EmitHelpers.EmitFile(service, WriteTypes);

    private static void WriteTypes(SourceWriter writer, ServiceModel service)
    {
        var className = ClassName(service);
        var methods = EmitHelpers.QualifiedName(service, MethodsEmitter.ClassName(service));

        EmitHelpers.WriteDocComment(writer, service.Comment, $"Base class for servers of the <c>{service.FullName}</c> Twirp service. Implement it and call <c>app.MapTwirp&lt;T&gt;()</c>.");
        EmitHelpers.WriteObsoleteIfDeprecated(writer, service.IsDeprecated);
        writer.WriteLine(EmitHelpers.GeneratedCodeAttribute);
        writer.OpenBlock($"{EmitHelpers.Accessibility(service)} abstract partial class {className} : global::Twirp.ITwirpService");

        foreach (var method in service.Methods)
        {
            EmitHelpers.WriteDocComment(writer, method.Comment, $"Handles <c>{method.Name}</c>.");
            EmitHelpers.WriteObsoleteIfDeprecated(writer, method.IsDeprecated);
            writer.WriteLine($"public abstract global::System.Threading.Tasks.Task<{method.ResponseCSharpType}> {method.CSharpName}({method.RequestCSharpType} request, global::Twirp.TwirpContext context);");
            writer.WriteLine();
        }

        writer.WriteLine("private static readonly global::Twirp.TwirpServiceDefinition s_twirpDefinition = new(");
        writer.WriteLine($"    {methods}.Package,");
        writer.WriteLine($"    {methods}.ServiceName,");
        writer.WriteLine("    new global::Twirp.TwirpServerMethod[]");
        writer.WriteLine("    {");
        foreach (var method in service.Methods)
        {
            var obsoleteCall = method.IsDeprecated || service.IsDeprecated;
            if (obsoleteCall)
            {
                writer.WriteLine("#pragma warning disable CS0612, CS0618 // The server must still serve deprecated methods.");
            }
            writer.WriteLine(
                $"        global::Twirp.TwirpServerMethod.Create<{className}, {method.RequestCSharpType}, {method.ResponseCSharpType}>(" +
                $"{methods}.{MethodsEmitter.DescriptorName(service, method)}, nameof({method.CSharpName}), static (service, request, context) => service.{method.CSharpName}(request, context)),");
            if (obsoleteCall)
            {
                writer.WriteLine("#pragma warning restore CS0612, CS0618");
            }
        }
        writer.WriteLine("    });");
        writer.WriteLine();
        writer.WriteLine("static global::Twirp.TwirpServiceDefinition global::Twirp.ITwirpService.Definition => s_twirpDefinition;");
        writer.CloseBlock();
    }
}
