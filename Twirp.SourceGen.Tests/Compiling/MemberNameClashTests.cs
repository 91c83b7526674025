using System.Linq;
using Microsoft.CodeAnalysis;
using NUnit.Framework;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Compiling;

public class MemberNameClashTests
{
    /// <summary>
    /// rpc names are free-form, so some land on names the generated classes already use: the
    /// <c>{Service}Twirp</c> constants, members inherited from object, and <c>TwirpClient.CallAsync</c>.
    /// </summary>
    private const string ClashingProto = """
        syntax = "proto3";
        package twirp.example.haberdasher;
        option csharp_namespace = "Twirp.Example.Haberdasher";

        message Size { int32 inches = 1; }
        message Hat { int32 inches = 1; string color = 2; string name = 3; }

        service Clashes {
          rpc Package(Size) returns (Hat);
          rpc PackageMethod(Size) returns (Hat);
          rpc ServiceName(Size) returns (Hat);
          rpc ServiceFullName(Size) returns (Hat);
          rpc ToString(Size) returns (Hat);
          rpc GetHashCode(Size) returns (Hat);
          rpc Call(Size) returns (Hat);
          rpc ClashesTwirp(Size) returns (Hat);
        }
        """;

    [Test]
    public void Rpcs_named_like_generated_or_inherited_members_compile_without_warnings()
    {
        var messages = MetadataReference.CreateFromFile(typeof(Twirp.Example.Haberdasher.Hat).Assembly.Location);
        var usage = """
            using System.Threading.Tasks;
            using Twirp;
            using Twirp.Example.Haberdasher;

            public static class Usage
            {
                public static string[] Names() => new[]
                {
                    ClashesTwirp.Package, ClashesTwirp.ServiceName, ClashesTwirp.ServiceFullName,
                    ClashesTwirp.PackageMethod.FullName, ClashesTwirp.PackageMethodMethod.FullName,
                    ClashesTwirp.ServiceNameMethod.FullName, ClashesTwirp.ToStringMethod.FullName,
                    ClashesTwirp.GetHashCodeMethod.FullName, ClashesTwirp.Call.FullName, ClashesTwirp.ClashesTwirpMethod.FullName,
                };

                public static Task<Hat> Call(ClashesClient client) => client.CallAsync(new Size { Inches = 1 });
            }
            """;
        var compilation = GeneratorHarness.CreateCompilation(new[] { usage }, GeneratorHarness.DefaultReferences.Append(messages));

        var (result, output) = GeneratorHarness.Run(new[] { new ProtoSource("Protos/clashes.proto", ClashingProto) }, compilation);

        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.Results.Single().GeneratedSources.Select(s => s.HintName),
            Is.SupersetOf(new[] { "twirp.example.haberdasher.Clashes.TwirpServer.g.cs", "twirp.example.haberdasher.Clashes.TwirpClient.g.cs" }));
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }

    [Test]
    public void Renamed_descriptors_keep_the_wire_name_of_their_method()
    {
        var messages = MetadataReference.CreateFromFile(typeof(Twirp.Example.Haberdasher.Hat).Assembly.Location);
        var compilation = GeneratorHarness.CreateCompilation(references: GeneratorHarness.DefaultReferences.Append(messages));

        var (result, _) = GeneratorHarness.Run(new[] { new ProtoSource("Protos/clashes.proto", ClashingProto) }, compilation);

        var methods = result.Results.Single().GeneratedSources.Single(s => s.HintName.EndsWith(".Twirp.g.cs")).SourceText.ToString();
        Assert.That(methods, Does.Contain("> ToStringMethod { get; } = new(Package, ServiceName, \"ToString\","));
        Assert.That(methods, Does.Contain("> PackageMethodMethod { get; } = new(Package, ServiceName, \"Package\","));
        Assert.That(methods, Does.Contain("> PackageMethod { get; } = new(Package, ServiceName, \"PackageMethod\","));
    }
}
