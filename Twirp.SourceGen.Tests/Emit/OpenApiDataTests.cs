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

    [Test]
    public void A_message_named_like_a_services_OpenApi_class_is_reported_at_the_service_when_Twirp_OpenApi_is_referenced()
    {
        var proto = new ProtoSource("/src/app/Protos/clash.proto", """
            syntax = "proto3";
            package clash;
            message HatTwirpOpenApi {}
            service Hat { rpc M(HatTwirpOpenApi) returns (HatTwirpOpenApi); }
            service Other { rpc M(HatTwirpOpenApi) returns (HatTwirpOpenApi); }
            """);

        var (withOpenApi, _) = GeneratorHarness.Run(new[] { proto }, GeneratorHarness.CreateCompilation(new[] { OpenApiMarker }), Options);
        var (without, _) = GeneratorHarness.Run(new[] { proto }, globalOptions: Options);

        var diagnostic = withOpenApi.Diagnostics.Single();
        Assert.That(diagnostic.Id, Is.EqualTo("TWIRP021"));
        Assert.That(diagnostic.GetMessage(), Does.Contain("'Clash.HatTwirpOpenApi'").And.Contain("message 'clash.HatTwirpOpenApi'"));
        Assert.That(diagnostic.Location.GetLineSpan().StartLinePosition.Line, Is.EqualTo(3), "reported at service Hat");
        var hintNames = withOpenApi.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.That(hintNames, Has.None.StartWith("clash.Hat."), "neither the service nor its OpenAPI data");
        Assert.That(hintNames, Does.Contain("clash.Other.TwirpOpenApi.g.cs"));
        Assert.That(without.Diagnostics, Is.Empty, "without Twirp.OpenApi there is no such class to clash with");
    }

    [Test]
    public void A_message_named_like_a_Twirp_OpenApi_type_in_its_namespace_stops_generation_with_a_diagnostic()
    {
        var proto = new ProtoSource("/src/app/Protos/capture.proto", """
            syntax = "proto3";
            package twirp.open_api;
            message TwirpOpenApiServices {}
            service Hats { rpc M(TwirpOpenApiServices) returns (TwirpOpenApiServices); }
            """);

        var (result, _) = GeneratorHarness.Run(new[] { proto }, GeneratorHarness.CreateCompilation(new[] { OpenApiMarker }), Options);

        Assert.That(result.Diagnostics.Select(d => d.Id), Is.EqualTo(new[] { "TWIRP022" }));
        Assert.That(result.Diagnostics.Single().GetMessage(), Does.Contain("'Twirp.OpenApi.TwirpOpenApiServices'"));
        Assert.That(result.Results.Single().GeneratedSources, Is.Empty);
    }
}
