using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Emit;

/// <summary>
/// Emits <c>{Service}Twirp</c>: the service's names and one <c>TwirpMethod&lt;TRequest, TResponse&gt;</c>
/// per method, shared by the server and the client.
/// </summary>
internal static class MethodsEmitter
{
    public static string HintName(ServiceModel service) => service.HintNamePrefix + ".Twirp.g.cs";

    public static string Emit(ServiceModel service) => EmitHelpers.EmitFile(service, WriteTypes);

    private static void WriteTypes(SourceWriter writer, ServiceModel service)
    {
        writer.WriteLine($"/// <summary>Twirp metadata of the <c>{EmitHelpers.DocText(service.FullName)}</c> service: its names and methods.</summary>");
        writer.WriteLine(EmitHelpers.GeneratedCodeAttribute);
        writer.OpenBlock($"{EmitHelpers.Accessibility(service)} static partial class {service.MethodsClassName}");
        writer.WriteLine("/// <summary>The proto package of the service.</summary>");
        writer.WriteLine($"public const string Package = {EmitHelpers.Literal(service.Package)};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>The service name as written in the .proto file.</summary>");
        writer.WriteLine($"public const string ServiceName = {EmitHelpers.Literal(service.Name)};");
        writer.WriteLine();
        writer.WriteLine("/// <summary>The service's full name, which Twirp routes on.</summary>");
        writer.WriteLine($"public const string ServiceFullName = {EmitHelpers.Literal(service.FullName)};");
        foreach (var method in service.Methods)
        {
            writer.WriteLine();
            writer.WriteLine($"/// <summary>The <c>{EmitHelpers.DocText(method.Name)}</c> method: <c>{EmitHelpers.DocText(method.RequestProtoType)}</c> in, <c>{EmitHelpers.DocText(method.ResponseProtoType)}</c> out.</summary>");
            writer.WriteLine(
                $"public static global::Twirp.TwirpMethod<{method.RequestCSharpType}, {method.ResponseCSharpType}> {method.DescriptorName} {{ get; }} = " +
                $"new(Package, ServiceName, {EmitHelpers.Literal(method.Name)}, {method.RequestCSharpType}.Parser, {method.ResponseCSharpType}.Parser{IdempotencyArgument(method.Idempotency)});");
        }
        writer.CloseBlock();
    }

    // Left out when unknown (the constructor's default), so most descriptors read as before.
    private static string IdempotencyArgument(MethodIdempotency idempotency) => idempotency switch
    {
        MethodIdempotency.NoSideEffects => ", global::Twirp.TwirpIdempotency.NoSideEffects",
        MethodIdempotency.Idempotent => ", global::Twirp.TwirpIdempotency.Idempotent",
        _ => string.Empty,
    };
}
