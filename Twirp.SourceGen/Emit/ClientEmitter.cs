using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Emit;

/// <summary>
/// Emits <c>{Service}Client</c>: a typed Twirp client over <c>HttpClient</c>. Every method is one call
/// to <c>TwirpClient.CallAsync</c>, which holds the protocol; the class also implements
/// <c>ITwirpClient&lt;TSelf&gt;</c> so DI registration needs no reflection.
/// </summary>
internal static class ClientEmitter
{
    public static string HintName(ServiceModel service) => service.HintNamePrefix + ".TwirpClient.g.cs";

    public static string Emit(ServiceModel service) => EmitHelpers.EmitFile(service, WriteTypes);

    private static void WriteTypes(SourceWriter writer, ServiceModel service)
    {
        var className = service.ClientClassName;
        var methods = EmitHelpers.QualifiedName(service, service.MethodsClassName);
        var self = $"global::Twirp.ITwirpClient<{className}>";

        var summary = $"Client of the <c>{EmitHelpers.DocText(service.FullName)}</c> Twirp service.";
        EmitHelpers.WriteDocComment(writer, service.Comment, summary);
        if (!service.Comment.IsEmpty)
        {
            writer.WriteLine($"/// <remarks>{summary}</remarks>");
        }
        EmitHelpers.WriteObsoleteIfDeprecated(writer, service.IsDeprecated);
        writer.WriteLine(EmitHelpers.GeneratedCodeAttribute);
        writer.OpenBlock($"{EmitHelpers.Accessibility(service)} partial class {className} : global::Twirp.TwirpClient, {self}");

        writer.WriteLine($"private static readonly global::Twirp.TwirpMethod[] s_twirpMethods = new global::Twirp.TwirpMethod[] {{ {string.Join(", ", MethodReferences(service, methods))} }};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>Creates a client that sends its calls through <paramref name=\"httpClient\"/>.</summary>");
        writer.WriteLine("/// <param name=\"httpClient\">The HTTP client; its <c>BaseAddress</c> is the server unless the options name one.</param>");
        writer.WriteLine("/// <param name=\"options\">Base address, path prefix, encoding, interceptors and hooks; defaults when null.</param>");
        writer.WriteLine($"public {className}(global::System.Net.Http.HttpClient httpClient, global::Twirp.TwirpClientOptions? options = null)");
        writer.WriteLine("    : base(httpClient, options)");
        writer.WriteLine("{");
        writer.WriteLine("}");
        writer.WriteLine();
        writer.WriteLine($"/// <summary>The service's methods, as described in <see cref=\"{methods}\"/>: full names, request and response types.</summary>");
        writer.WriteLine("public static global::System.Collections.Generic.IReadOnlyList<global::Twirp.TwirpMethod> Methods => s_twirpMethods;");
        writer.WriteLine();
        writer.WriteLine($"static string {self}.ServiceName => {methods}.ServiceName;");
        writer.WriteLine();
        writer.WriteLine($"static string {self}.ServiceFullName => {methods}.ServiceFullName;");
        writer.WriteLine();
        writer.WriteLine($"static global::System.Collections.Generic.IReadOnlyList<global::Twirp.TwirpMethod> {self}.Methods => s_twirpMethods;");
        writer.WriteLine();
        writer.WriteLine($"static {className} {self}.Create(global::System.Net.Http.HttpClient httpClient, global::Twirp.TwirpClientOptions options) => new(httpClient, options);");

        foreach (var method in service.Methods)
        {
            var returnType = $"global::System.Threading.Tasks.Task<{method.ResponseCSharpType}>";
            var name = method.ClientMethodName;
            var descriptor = $"{methods}.{method.DescriptorName}";

            writer.WriteLine();
            WriteMethodDocs(writer, service, method, descriptor, withOptions: false);
            writer.WriteLine($"public {returnType} {name}({method.RequestCSharpType} request, global::System.Threading.CancellationToken cancellationToken = default) =>");
            writer.WriteLine($"    base.CallAsync({descriptor}, request, null, cancellationToken);");
            writer.WriteLine();
            WriteMethodDocs(writer, service, method, descriptor, withOptions: true);
            writer.WriteLine($"public {returnType} {name}({method.RequestCSharpType} request, global::Twirp.TwirpCallOptions options, global::System.Threading.CancellationToken cancellationToken = default) =>");
            writer.WriteLine($"    base.CallAsync({descriptor}, request, options, cancellationToken);");
        }
        writer.CloseBlock();
    }

    private static System.Collections.Generic.IEnumerable<string> MethodReferences(ServiceModel service, string methods)
    {
        foreach (var method in service.Methods)
        {
            yield return methods + "." + method.DescriptorName;
        }
    }

    private static void WriteMethodDocs(SourceWriter writer, ServiceModel service, MethodModel method, string descriptor, bool withOptions)
    {
        EmitHelpers.WriteDocComment(writer, method.Comment, $"Calls <c>{EmitHelpers.DocText(method.Name)}</c>.");
        writer.WriteLine($"/// <remarks>Posts to <c>{EmitHelpers.DocText(service.FullName)}/{EmitHelpers.DocText(method.Name)}</c>; <see cref=\"{descriptor}\"/> describes the method.</remarks>");
        writer.WriteLine("/// <param name=\"request\">The request message.</param>");
        if (withOptions)
        {
            writer.WriteLine("/// <param name=\"options\">Options of this call, such as request headers.</param>");
        }
        writer.WriteLine("/// <param name=\"cancellationToken\">Cancels the call.</param>");
        writer.WriteLine("/// <returns>The response message.</returns>");
        writer.WriteLine("/// <exception cref=\"global::Twirp.TwirpException\">The service answered with an error.</exception>");
        EmitHelpers.WriteObsoleteIfDeprecated(writer, method.IsDeprecated);
    }
}
