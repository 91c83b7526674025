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
}
