using Twirp.SourceGen.Model;

namespace Twirp.SourceGen.Emit;

/// <summary>
/// Emits <c>{Service}Twirp</c>: the service's names and one <c>TwirpMethod&lt;TRequest, TResponse&gt;</c>
/// per method, shared by the server and the client.
/// </summary>
internal static class MethodsEmitter
{
    public static string HintName(ServiceModel service) => service.HintNamePrefix + ".Twirp.g.cs";

    public static string ClassName(ServiceModel service) => service.CSharpName + "Twirp";

    /// <summary>Members of the class other than the descriptors, and what every class inherits from object.</summary>
    private static readonly string[] ReservedMemberNames =
    {
        "Package", "ServiceName", "ServiceFullName",
        "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "ReferenceEquals", "Finalize",
    };

    /// <summary>
    /// The name of <paramref name="method"/>'s descriptor property: the method's C# name, unless that is
    /// taken by a constant of the class, an inherited member or the class itself (an rpc may well be named
    /// <c>Package</c> or <c>ToString</c>); then <c>Method</c> is appended until the name is free.
    /// </summary>
    public static string DescriptorName(ServiceModel service, MethodModel method)
    {
        var name = method.CSharpName;
        while (IsTaken(service, method, name))
        {
            name += "Method";
        }
        return name;
    }

    private static bool IsTaken(ServiceModel service, MethodModel method, string name)
    {
        if (name == ClassName(service) || System.Array.IndexOf(ReservedMemberNames, name) >= 0)
        {
            return true;
        }
        // A renamed descriptor must not land on another method's own name.
        if (name != method.CSharpName)
        {
            foreach (var other in service.Methods)
            {
                if (other.CSharpName == name)
                {
                    return true;
                }
            }
        }
        return false;
    }

    public static string Emit(ServiceModel service) => EmitHelpers.EmitFile(service, WriteTypes);

    private static void WriteTypes(SourceWriter writer, ServiceModel service)
    {

        writer.WriteLine($"/// <summary>Twirp metadata of the <c>{service.FullName}</c> service: its names and methods.</summary>");
        writer.WriteLine(EmitHelpers.GeneratedCodeAttribute);
        writer.OpenBlock($"{EmitHelpers.Accessibility(service)} static partial class {ClassName(service)}");
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
            writer.WriteLine($"/// <summary>The <c>{method.Name}</c> method: <c>{method.RequestProtoType}</c> in, <c>{method.ResponseProtoType}</c> out.</summary>");
            writer.WriteLine(
                $"public static global::Twirp.TwirpMethod<{method.RequestCSharpType}, {method.ResponseCSharpType}> {DescriptorName(service, method)} {{ get; }} = " +
                $"new(Package, ServiceName, {EmitHelpers.Literal(method.Name)}, {method.RequestCSharpType}.Parser, {method.ResponseCSharpType}.Parser);");
        }
        writer.CloseBlock();
    }
}
