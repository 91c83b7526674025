using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using NUnit.Framework;
using Twirp.Packaging.Tests.Infrastructure;

namespace Twirp.Packaging.Tests.MSBuild;

/// <summary>
/// The MSBuild logic of Twirp.SourceGen (build/ forwarding to buildTransitive/), run by MSBuild itself on
/// a bare project, without compiling: which AdditionalFiles items the compiler will get and what
/// metadata it can see. Fast, so every rule gets its own case.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public class ProtobufItemsTests
{
    [Test]
    public async Task Protobuf_items_become_AdditionalFiles_with_their_metadata()
    {
        var result = await EvaluateAsync("""
            <Protobuf Include="Protos/a.proto" GrpcServices="None" Access="Internal" TwirpServices="Client" />
            """);

        var item = result.AdditionalFiles.Single();
        Assert.That(item.GetProperty("FullPath").GetString(), Is.EqualTo(Path.Combine(result.Directory, "Protos", "a.proto")));
        Assert.That(item.GetProperty("Access").GetString(), Is.EqualTo("Internal"));
        Assert.That(item.GetProperty("TwirpServices").GetString(), Is.EqualTo("Client"));
    }

    [Test]
    public async Task An_explicit_AdditionalFiles_item_for_the_same_file_is_not_added_again()
    {
        var result = await EvaluateAsync("""
            <Protobuf Include="Protos/a.proto;Protos/b.proto" GrpcServices="None" />
            <AdditionalFiles Include="Protos/../Protos/a.proto" />
            <AdditionalFiles Include="notes.txt" />
            """);

        var paths = result.AdditionalFiles.Select(i => Path.GetRelativePath(result.Directory, i.GetProperty("FullPath").GetString()!)).ToList();
        Assert.That(paths, Is.EquivalentTo(new[] { Path.Combine("Protos", "a.proto"), Path.Combine("Protos", "b.proto"), "notes.txt" }));
    }

    [Test]
    public async Task EnableTwirpProtobufItems_false_adds_no_AdditionalFiles()
    {
        var result = await EvaluateAsync("""<Protobuf Include="Protos/a.proto" />""", "<EnableTwirpProtobufItems>false</EnableTwirpProtobufItems>");

        Assert.That(result.AdditionalFiles, Is.Empty);
    }

    [Test]
    public async Task The_generators_metadata_is_compiler_visible_on_both_item_types()
    {
        var result = await EvaluateAsync("""<Protobuf Include="Protos/a.proto" />""");

        var visible = result.Items("CompilerVisibleItemMetadata")
            .Select(i => i.GetProperty("Identity").GetString() + "." + i.GetProperty("MetadataName").GetString())
            .ToList();
        foreach (var itemType in new[] { "AdditionalFiles", "Protobuf" })
        {
            foreach (var name in new[] { "TwirpServices", "Access", "ProtoRoot", "AdditionalImportDirs" })
            {
                Assert.That(visible, Does.Contain(itemType + "." + name));
            }
        }
        var properties = result.Items("CompilerVisibleProperty").Select(i => i.GetProperty("Identity").GetString()).ToList();
        Assert.That(properties, Does.Contain("TwirpVerifyMessageTypes").And.Contain("Protobuf_ProtoRoot"));
    }

    private static async Task<Evaluation> EvaluateAsync(string items, string properties = "")
    {
        var root = LocalPackages.FindRepositoryRoot();
        var directory = Path.Combine(Path.GetTempPath(), "twirp-msbuild-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            // GenerateMSBuildEditorConfigFileShouldRun stands in for the compiler's target the
            // Twirp target hooks; nothing else of the SDK is needed to run it.
            File.WriteAllText(Path.Combine(directory, "probe.proj"), $"""
                <Project>
                  <Import Project="{root}/Twirp.SourceGen/build/Twirp.SourceGen.props" />
                  <PropertyGroup>{properties}</PropertyGroup>
                  <ItemGroup>
                    {items}
                  </ItemGroup>
                  <Target Name="GenerateMSBuildEditorConfigFileShouldRun" />
                  <Import Project="{root}/Twirp.SourceGen/build/Twirp.SourceGen.targets" />
                </Project>
                """);
            var result = await DotNetCli.RunAsync(directory, TimeSpan.FromMinutes(2),
                "msbuild", "probe.proj", "-nologo", "-nodeReuse:false", "-t:GenerateMSBuildEditorConfigFileShouldRun",
                "-getItem:AdditionalFiles", "-getItem:CompilerVisibleItemMetadata", "-getItem:CompilerVisibleProperty");
            Assert.That(result.ExitCode, Is.Zero, result.ToString());
            return new Evaluation(directory, JsonDocument.Parse(result.Output).RootElement.GetProperty("Items").Clone());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed record Evaluation(string Directory, JsonElement ItemsByType)
    {
        public IReadOnlyList<JsonElement> AdditionalFiles => Items("AdditionalFiles");

        public IReadOnlyList<JsonElement> Items(string itemType) =>
            ItemsByType.TryGetProperty(itemType, out var items) ? items.EnumerateArray().ToList() : new List<JsonElement>();
    }
}
