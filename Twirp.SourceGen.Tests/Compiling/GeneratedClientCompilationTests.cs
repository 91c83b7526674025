using System;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using NUnit.Framework;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Compiling;

public class GeneratedClientCompilationTests
{
    private static readonly MetadataReference Messages =
        MetadataReference.CreateFromFile(typeof(Twirp.Example.Haberdasher.Hat).Assembly.Location);

    [Test]
    public void Client_compiles_against_Grpc_Tools_messages_and_is_usable_without_warnings()
    {
        var usage = """
            using System.Collections.Generic;
            using System.Net.Http;
            using System.Threading;
            using System.Threading.Tasks;
            using Twirp;
            using Twirp.Example.Haberdasher;

            public static class Usage
            {
                public static async Task<Hat> Call(HttpClient http)
                {
                    var client = new HaberdasherClient(http, new TwirpClientOptions { Encoding = TwirpEncoding.Json });
                    var options = new TwirpCallOptions();
                    options.Headers["Authorization"] = "Bearer token";
                    await client.MakeHatAsync(new Size { Inches = 1 }, options, CancellationToken.None);
                    return await client.MakeHatAsync(new Size { Inches = 2 });
                }

                public static IReadOnlyList<TwirpMethod> Describe<T>() where T : TwirpClient, ITwirpClient<T> => T.Methods;

                public static IReadOnlyList<TwirpMethod> DescribeHaberdasher() => Describe<HaberdasherClient>();
            }
            """;
        var compilation = GeneratorHarness.CreateCompilation(new[] { usage }, GeneratorHarness.DefaultReferences.Append(Messages));

        var (result, output) = GeneratorHarness.Run(new[] { TestProtos.Haberdasher }, compilation);

        Assert.That(result.Results.Single().GeneratedSources.Select(s => s.HintName), Does.Contain("twirp.example.haberdasher.Haberdasher.TwirpClient.g.cs"));
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }

    [Test]
    public void Console_app_with_only_Twirp_Client_gets_a_client_and_no_server_and_compiles_without_ASP_NET_Core()
    {
        var clientOnly = GeneratorHarness.DefaultReferences
            .Where(r => Path.GetFileName(r.Display ?? "") is var name
                && !name.StartsWith("Microsoft.AspNetCore", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("Twirp.Runtime.dll", StringComparison.OrdinalIgnoreCase))
            .Append(Messages);
        var usage = """
            public static class Program
            {
                public static System.Threading.Tasks.Task<Twirp.Example.Haberdasher.Hat> Main() =>
                    new Twirp.Example.Haberdasher.HaberdasherClient(new System.Net.Http.HttpClient { BaseAddress = new System.Uri("http://localhost:5000") })
                        .MakeHatAsync(new Twirp.Example.Haberdasher.Size { Inches = 10 });
            }
            """;
        var compilation = GeneratorHarness.CreateCompilation(new[] { usage }, clientOnly);

        var (result, output) = GeneratorHarness.Run(new[] { TestProtos.Haberdasher }, compilation);

        var hintNames = result.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.That(hintNames, Has.Some.Contains("TwirpClient").And.None.Contains("TwirpServer"));
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.That(problems, Is.Empty, string.Join("\n", problems));
    }

    /// <summary>
    /// With <c>GrpcServices="Both"</c>, Grpc.Tools writes <c>Haberdasher.HaberdasherClient</c> and
    /// <c>Haberdasher.HaberdasherBase</c>, nested in a static class named after the service: protoc's
    /// real gRPC plugin writes them here, compiled against the real Grpc.Core.Api, next to the Twirp
    /// client and base, and user code uses all four.
    /// </summary>
    [Test]
    public void Client_coexists_with_a_Grpc_Tools_client_of_the_same_service()
    {
        var usage = """
            using System.Threading.Tasks;
            using Grpc.Core;
            using Twirp;
            using Twirp.Example.Haberdasher;

            public sealed class TwirpSide : HaberdasherBase
            {
                public override Task<Hat> MakeHat(Size request, TwirpContext context) => Task.FromResult(new Hat());
            }

            public sealed class GrpcSide : Haberdasher.HaberdasherBase
            {
                public override Task<Hat> MakeHat(Size request, ServerCallContext context) => Task.FromResult(new Hat());
            }

            public static class Usage
            {
                public static object Both(System.Net.Http.HttpClient http, CallInvoker invoker) => new object[]
                {
                    new HaberdasherClient(http),
                    new Haberdasher.HaberdasherClient(invoker),
                };
            }
            """;

        var build = ProtocProject.Compile(new[] { ("Protos/haberdasher.proto", TestProtos.Haberdasher.Text) }, "Both", new[] { usage });

        Assert.That(build.GeneratorDiagnostics, Is.Empty);
        Assert.That(build.GeneratedCodeDiagnostics.Select(d => d.ToString()), Is.Empty);
        Assert.That(build.UserCodeDiagnostics.Select(d => d.ToString()), Is.Empty);
        Assert.That(build.Sources.Keys, Has.Some.Contains("TwirpClient").And.Some.Contains("TwirpServer"));
    }

    [Test]
    public void No_client_is_generated_when_Twirp_Client_is_not_referenced()
    {
        var withoutClient = GeneratorHarness.DefaultReferences
            .Where(r => !(r.Display ?? "").EndsWith("Twirp.Client.dll", StringComparison.OrdinalIgnoreCase))
            .Append(Messages);
        var compilation = GeneratorHarness.CreateCompilation(references: withoutClient);

        var (result, output) = GeneratorHarness.Run(new[] { TestProtos.Haberdasher }, compilation);

        Assert.That(result.Results.Single().GeneratedSources.Select(s => s.HintName), Has.None.Contains("TwirpClient"));
        Assert.That(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), Is.Empty);
    }
}
