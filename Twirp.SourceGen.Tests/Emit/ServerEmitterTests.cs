using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NUnit.Framework;
using Twirp.SourceGen.Emit;
using Twirp.SourceGen.Model;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Emit;

/// <summary>The server emitter, fed hand-built models so it is tested without the parser.</summary>
public class ServerEmitterTests
{
    private static ServiceModel Service(bool isInternal = false, bool isDeprecated = false, string csharpNamespace = "Twirp.Example.Haberdasher",
        string[]? comment = null, params MethodModel[] methods) => new(
        ProtoFilePath: "Protos/haberdasher.proto",
        Package: "twirp.example.haberdasher",
        Name: "Haberdasher",
        CSharpNamespace: csharpNamespace,
        HintNamePrefix: "twirp.example.haberdasher.Haberdasher",
        ServerClassName: "HaberdasherBase",
        ClientClassName: "HaberdasherClient",
        MethodsClassName: "HaberdasherTwirp",
        DefinitionFieldName: "s_twirpDefinition",
        IsInternal: isInternal,
        GenerateServer: true,
        GenerateClient: false,
        Comment: new DocComment((comment ?? new string[0]).ToEquatableArray()),
        IsDeprecated: isDeprecated,
        Methods: methods.ToEquatableArray());

    // Real message types (Grpc.Tools' output for haberdasher.proto in this test assembly), so the
    // emitted code can be compiled.
    private static MethodModel Method(string name, bool isDeprecated = false, params string[] comment) => new(
        name, name, name + "Async", name, "twirp.example.haberdasher.Size", "global::Twirp.Example.Haberdasher.Size",
        "twirp.example.haberdasher.Hat", "global::Twirp.Example.Haberdasher.Hat",
        new DocComment(comment.ToEquatableArray()), isDeprecated);

    private static ServiceModel Documented(bool isInternal = false, bool serviceDeprecated = false) => Service(
        isInternal: isInternal,
        isDeprecated: serviceDeprecated,
        comment: new[] { "Makes hats <of all sizes> & colors.", "", "Thread-safe." },
        methods: new[]
        {
            Method("MakeHat", comment: new[] { "Makes a hat; size must be > 0." }),
            Method("MakeOldHat", isDeprecated: true),
        });

    [Test]
    public void Proto_comments_become_escaped_xml_docs_and_deprecated_methods_are_obsolete()
    {
        var service = Documented();

        Snapshot.Verify(ServerEmitter.Emit(service), ServerEmitter.HintName(service));
    }

    [Test]
    public void Deprecated_service_gets_an_obsolete_internal_base_class()
    {
        var source = ServerEmitter.Emit(Documented(isInternal: true, serviceDeprecated: true));

        Assert.That(source, Does.Contain("[global::System.Obsolete]\n    [global::System.CodeDom.Compiler.GeneratedCode"));
        Assert.That(source, Does.Contain("internal abstract partial class HaberdasherBase : global::Twirp.ITwirpService"));
    }

    [Test]
    public void Service_in_the_global_namespace_gets_a_base_class_without_a_namespace_block()
    {
        var source = ServerEmitter.Emit(Service(csharpNamespace: "", methods: new[] { Method("MakeHat") }));

        Assert.That(source, Does.Not.Contain("namespace"));
        Assert.That(source, Does.Contain("public abstract partial class HaberdasherBase : global::Twirp.ITwirpService"));
    }

    [Test]
    public void Handler_name_is_passed_as_its_metadata_name_so_MapTwirp_finds_the_overrides_attributes()
    {
        var escaped = Method("class") with { HandlerName = "@class", DescriptorName = "@class" };
        var source = ServerEmitter.Emit(Service(methods: new[] { Method("MakeHat"), escaped }));

        Assert.That(source, Does.Contain("(global::Twirp.Example.Haberdasher.HaberdasherTwirp.MakeHat, \"MakeHat\", static (service, request, context) => service.MakeHat(request, context))"));
        Assert.That(source, Does.Contain("(global::Twirp.Example.Haberdasher.HaberdasherTwirp.@class, \"class\", static (service, request, context) => service.@class(request, context))"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void Deprecated_members_compile_without_warnings_in_the_generated_code(bool serviceDeprecated)
    {
        var service = Documented(serviceDeprecated: serviceDeprecated);
        var references = GeneratorHarness.DefaultReferences
            .Append(MetadataReference.CreateFromFile(typeof(Twirp.Example.Haberdasher.Hat).Assembly.Location));
        var trees = new[]
        {
            CSharpSyntaxTree.ParseText(ServerEmitter.Emit(service), GeneratorHarness.ParseOptions, path: "Server.g.cs"),
            CSharpSyntaxTree.ParseText(MethodsEmitter.Emit(service), GeneratorHarness.ParseOptions, path: "Methods.g.cs"),
        };
        var compilation = CSharpCompilation.Create("Emitted", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var problems = compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }
}
