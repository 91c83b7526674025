using System.Linq;
using Microsoft.CodeAnalysis;
using NUnit.Framework;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Snapshots;

public class GeneratedCodeSnapshotTests
{
    [Test]
    public void Haberdasher_service_generates_method_descriptors_a_server_base_class_and_a_client()
    {
        var (result, _) = GeneratorHarness.Run(new[] { TestProtos.Haberdasher });

        Assert.That(result.Diagnostics, Is.Empty);
        var sources = result.Results.Single().GeneratedSources;
        Assert.That(sources.Select(s => s.HintName), Does.Contain("twirp.example.haberdasher.Haberdasher.TwirpServer.g.cs"));
        foreach (var source in sources)
        {
            Snapshot.Verify(source.SourceText.ToString(), source.HintName);
        }
    }

    [Test]
    public void Idempotency_levels_reach_the_method_descriptors()
    {
        var proto = new ProtoSource("Protos/library.proto", """
            syntax = "proto3";
            package acme.library.v1;

            message Query { string title = 1; }
            message Book { string title = 1; }

            service Library {
              rpc FindBook(Query) returns (Book) { option idempotency_level = NO_SIDE_EFFECTS; }
              rpc ShelveBook(Book) returns (Book) { option idempotency_level = IDEMPOTENT; }
              rpc LendBook(Query) returns (Book);
            }
            """);

        var (result, _) = GeneratorHarness.Run(new[] { proto });

        Assert.That(result.Diagnostics, Is.Empty);
        var methods = result.Results.Single().GeneratedSources.Single(s => s.HintName.EndsWith(".Twirp.g.cs", System.StringComparison.Ordinal));
        Snapshot.Verify(methods.SourceText.ToString(), methods.HintName);
    }
}
