using System.Linq;
using NUnit.Framework;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.SourceGen.Tests.Emit;

/// <summary>The OpenAPI data the generator emits when the compilation references Twirp.OpenApi.</summary>
public class OpenApiDataTests
{
    /// <summary>Stands in for Twirp.OpenApi: the generator looks for this type by name only.</summary>
    public const string OpenApiMarker = "namespace Twirp.OpenApi { public static class TwirpOpenApiServices { } }";

    private static readonly System.Collections.Generic.Dictionary<string, string> Options = new()
    {
        ["build_property.TwirpVerifyMessageTypes"] = "false",
        ["build_property.ProjectDir"] = "/src/app/",
    };

    private static readonly ProtoSource Shapes = new("/src/app/Protos/shapes.proto", """
        syntax = "proto3";
        // Shapes from another file.
        package geo.shapes;
        enum Kind { KIND_UNSPECIFIED = 0; KIND_ROUND = 1; }
        // A point on a plane.
        message Point { sint64 x = 1; double y = 2; }
        """);

    private static readonly ProtoSource Drawing = new("/src/app/Protos/drawing.proto", """
        syntax = "proto3";
        package geo.drawing;
        option csharp_namespace = "Geo.Drawing";
        import "Protos/shapes.proto";
        import "google/protobuf/timestamp.proto";
        import "google/protobuf/wrappers.proto";

        // Draws shapes.
        // Two lines, with "quotes" and a \ backslash.
        service Canvas {
          // Draw one path.
          rpc Draw(Path) returns (Path);
          rpc Erase(Path) returns (Path) { option deprecated = true; }
          rpc Watch(Path) returns (stream Path);
        }

        message Path {
          // The points, in order.
          repeated geo.shapes.Point points = 1;
          map<uint32, Path> children = 2 [deprecated = true];
          optional string label = 3;
          oneof style { string color = 4; geo.shapes.Kind kind = 5; Stroke stroke = 6; }
          google.protobuf.Timestamp drawn_at = 7;
          google.protobuf.StringValue note = 8 [json_name = "remark"];
          bytes thumbnail = 9;
          message Stroke { float width = 1; }
        }
        """);

    [Test]
    public void Services_get_their_operations_and_every_message_and_enum_they_reach()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { OpenApiMarker });
        var (result, _) = GeneratorHarness.Run(new[] { Shapes, Drawing }, compilation, Options);

        Assert.That(result.Diagnostics.Select(d => d.Id), Is.EqualTo(new[] { "TWIRP003" }), "only the streaming rpc is reported");
        var source = result.Results.Single().GeneratedSources.Single(s => s.HintName.EndsWith(".TwirpOpenApi.g.cs"));
        var types = result.Results.Single().GeneratedSources.Single(s => s.HintName == "TwirpOpenApiTypes.g.cs");
        Assert.That(source.HintName, Is.EqualTo("geo.drawing.Canvas.TwirpOpenApi.g.cs"));
        Snapshot.Verify(source.SourceText.ToString(), source.HintName);
        Snapshot.Verify(types.SourceText.ToString(), types.HintName);
    }

    [Test]
    public void Nothing_is_emitted_without_Twirp_OpenApi()
    {
        var (result, _) = GeneratorHarness.Run(new[] { Shapes, Drawing }, globalOptions: Options);

        Assert.That(result.Results.Single().GeneratedSources.Select(s => s.HintName), Has.None.EndsWith(".TwirpOpenApi.g.cs"));
    }
}
