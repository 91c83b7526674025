using System.Linq;
using Microsoft.CodeAnalysis;
using NUnit.Framework;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Compiling;

public class GeneratedCodeCompilationTests
{
    /// <summary>
    /// The test assembly holds Grpc.Tools' message classes for haberdasher.proto, so compiling the
    /// generated services against it proves the names line up with protoc's.
    /// </summary>
    [Test]
    public void Haberdasher_service_compiles_against_Grpc_Tools_messages_without_warnings()
    {
        var references = GeneratorHarness.DefaultReferences
            .Append(MetadataReference.CreateFromFile(typeof(Twirp.Example.Haberdasher.Hat).Assembly.Location));
        var implementation = """
            using System.Threading.Tasks;
            using Twirp;
            using Twirp.Example.Haberdasher;

            public sealed class Impl : HaberdasherBase
            {
                public override Task<Hat> MakeHat(Size request, TwirpContext context) => Task.FromResult(new Hat { Inches = request.Inches });
            }
            """;
        var compilation = GeneratorHarness.CreateCompilation(new[] { implementation }, references);

        var (result, output) = GeneratorHarness.Run(new[] { TestProtos.Haberdasher }, compilation);

        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.GeneratedTrees, Is.Not.Empty);
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }
}
