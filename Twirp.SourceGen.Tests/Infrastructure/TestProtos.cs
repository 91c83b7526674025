using System.IO;

namespace Twirp.SourceGen.Tests.Infrastructure;

/// <summary>The sample's protos, copied beside the test assembly.</summary>
public static class TestProtos
{
    public static ProtoSource Haberdasher { get; } = Load("haberdasher.proto");

    private static ProtoSource Load(string name)
    {
        var path = Path.Combine(System.AppContext.BaseDirectory, "TestProtos", name);
        return new ProtoSource("Protos/" + name, File.ReadAllText(path));
    }
}
