using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;
using Twirp.OpenApi.Tests.Infrastructure;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.OpenApi.Tests;

/// <summary>The generated OpenAPI data (UTF-8 JSON literals) compile and read back as the .proto says.</summary>
public class GeneratedDataTests
{
    /// <summary>
    /// Quotes (three in a row end a raw literal), backslashes, non-ASCII, a character outside the BMP, and the
    /// characters C# takes as line ends (NEL, LS, PS) that JSON does not escape by itself.
    /// </summary>
    private const string OddText = "Says \"\"\" and \\ and caf\u00e9 \u65e5\u672c \U0001F3A9 NEL\u0085 LS\u2028 PS\u2029 end";

    [Test]
    public void Comments_and_names_with_any_characters_read_back_unchanged()
    {
        var proto = new ProtoSource("/src/app/Protos/odd.proto", $$"""
            syntax = "proto3";
            package odd.v1;
            // {{OddText}}
            service Odd {
              // {{OddText}}
              rpc Do(Req) returns (Req) { option deprecated = true; }
            }
            // {{OddText}}
            message Req {
              // {{OddText}}
              string name = 1 [json_name = "näme"];
              map<int64, Kind> kinds = 2;
              oneof pick { bool yes = 3; bytes raw = 4; }
              optional double ratio = 5;
            }
            // {{OddText}}
            enum Kind { KIND_UNSPECIFIED = 0; KIND_ODD = 1; }
            """);
        var (result, _) = GeneratorHarness.Run(new[] { proto }, GeneratorHarness.CreateCompilation(), new Dictionary<string, string>
        {
            ["build_property.TwirpVerifyMessageTypes"] = "false",
            ["build_property.ProjectDir"] = "/src/app/",
        });
        var sources = result.Results.Single().GeneratedSources.Where(source => source.HintName.Contains("TwirpOpenApi")).ToList();
        Assert.That(sources.Select(source => source.HintName), Is.EquivalentTo(new[] { "odd.v1.Odd.TwirpOpenApi.g.cs", "TwirpOpenApiTypes.g.cs" }));

        GeneratedData.CompileAndRegister("OddOpenApiData", sources.Select(source => source.SyntaxTree));

        var service = TwirpOpenApiServices.Find("odd.v1.Odd")!;
        Assert.That((service.Package, service.Name, service.Description), Is.EqualTo(("odd.v1", "Odd", OddText)));
        var method = service.Methods.Single();
        Assert.That((method.Name, method.RequestType, method.ResponseType, method.Description, method.Deprecated),
            Is.EqualTo(("Do", "odd.v1.Req", "odd.v1.Req", OddText, true)));
        var message = TwirpOpenApiServices.FindMessage("odd.v1.Req")!;
        Assert.That(message.Description, Is.EqualTo(OddText));
        Assert.That(message.Fields.Select(f => (f.Name, f.JsonName, f.Type, f.TypeName, f.Cardinality, f.MapKeyType, f.Oneof, f.Description)), Is.EqualTo(new[]
        {
            ("name", "näme", TwirpOpenApiFieldType.String, (string?)null, TwirpOpenApiCardinality.Singular, TwirpOpenApiFieldType.String, (string?)null, (string?)OddText),
            ("kinds", "kinds", TwirpOpenApiFieldType.Enum, "odd.v1.Kind", TwirpOpenApiCardinality.Map, TwirpOpenApiFieldType.Int64, null, null),
            ("yes", "yes", TwirpOpenApiFieldType.Bool, null, TwirpOpenApiCardinality.Singular, TwirpOpenApiFieldType.String, "pick", null),
            ("raw", "raw", TwirpOpenApiFieldType.Bytes, null, TwirpOpenApiCardinality.Singular, TwirpOpenApiFieldType.String, "pick", null),
            ("ratio", "ratio", TwirpOpenApiFieldType.Double, null, TwirpOpenApiCardinality.Optional, TwirpOpenApiFieldType.String, null, null),
        }));
        var enumeration = TwirpOpenApiServices.FindEnum("odd.v1.Kind")!;
        Assert.That(enumeration.Description, Is.EqualTo(OddText));
        Assert.That(enumeration.Values, Is.EqualTo(new[] { "KIND_UNSPECIFIED", "KIND_ODD" }));
    }
}
