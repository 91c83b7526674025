using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using NUnit.Framework;
using Twirp.OpenApi.Tests.Infrastructure;
using Twirp.SourceGen.Tests.Infrastructure;

namespace Twirp.OpenApi.Tests;

/// <summary>The document <c>MapTwirpOpenApi</c> serves for the test services, as a user maps them.</summary>
public class ServedDocumentTests
{
    private OpenApiTestApp _app = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _app = await OpenApiTestApp.StartTestServicesAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _app.DisposeAsync();

    [Test]
    public async Task The_document_matches_its_baseline()
    {
        var text = await _app.GetDocumentTextAsync();

        Snapshot.Verify(text.Replace("\r\n", "\n") + "\n", "twirp", ".json");
    }

    [Test]
    public async Task Each_unary_method_is_a_POST_at_its_real_path_with_prefix_and_route_group()
    {
        var paths = (await _app.GetDocumentAsync())["paths"]!.AsObject();

        Assert.That(paths.Select(p => p.Key), Is.EquivalentTo(new[]
        {
            "/kitchen/openapi.kitchen.KitchenSink/Echo",
            "/kitchen/openapi.kitchen.KitchenSink/Ping",
            "/kitchen/openapi.kitchen.KitchenSink/Grow",
            "/api/twirp/twirp.example.haberdasher.Haberdasher/MakeHat",
        }));
        var makeHat = paths["/api/twirp/twirp.example.haberdasher.Haberdasher/MakeHat"]!["post"]!;
        Assert.That((string?)makeHat["operationId"], Is.EqualTo("twirp.example.haberdasher.Haberdasher.MakeHat"));
        Assert.That(makeHat["tags"]!.AsArray().Select(t => (string?)t), Is.EqualTo(new[] { "twirp.example.haberdasher.Haberdasher" }));
        Assert.That((string?)makeHat["summary"], Is.EqualTo("MakeHat produces a hat of mysterious, randomly-selected color!"));
    }

    [Test]
    public async Task The_path_of_each_operation_answers_a_real_call()
    {
        var document = await _app.GetDocumentAsync();
        foreach (var (path, _) in document["paths"]!.AsObject().Where(p => p.Key.EndsWith("/Ping")))
        {
            using var response = await _app.Http.PostAsync(path, new System.Net.Http.StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
            Assert.That((int)response.StatusCode, Is.EqualTo(200), path);
        }
    }

    [Test]
    public async Task Responses_use_the_services_JSON_names_and_requests_are_said_to_accept_both()
    {
        var document = await _app.GetDocumentAsync();
        var schemas = document["components"]!["schemas"]!.AsObject();

        // The kitchen sink writes lowerCamelCase, the Haberdasher proto names: one document holds both.
        var everything = schemas["openapi.kitchen.Everything-camelCase"]!["properties"]!.AsObject();
        Assert.That(everything.ContainsKey("anInt64"), Is.True);
        Assert.That(everything.ContainsKey("customName"), Is.True, "json_name is honoured");
        Assert.That(everything.ContainsKey("an_int64"), Is.False);
        Assert.That(schemas["twirp.example.haberdasher.Hat"]!["properties"]!.AsObject().Select(p => p.Key),
            Is.EqualTo(new[] { "inches", "color", "name" }));
        var echoBody = document["paths"]!["/kitchen/openapi.kitchen.KitchenSink/Echo"]!["post"]!["requestBody"]!;
        Assert.That((string?)echoBody["description"], Does.Contain("lowerCamelCase JSON names (as in responses) or the .proto names"));
    }

    [Test]
    public async Task The_request_body_states_the_services_size_limit()
    {
        var paths = (await _app.GetDocumentAsync())["paths"]!;

        var kitchen = paths["/kitchen/openapi.kitchen.KitchenSink/Echo"]!["post"]!["requestBody"]!;
        var hats = paths["/api/twirp/twirp.example.haberdasher.Haberdasher/MakeHat"]!["post"]!["requestBody"]!;
        Assert.That((long?)kitchen["x-twirp-max-body-size"], Is.EqualTo(65536));
        Assert.That((long?)hats["x-twirp-max-body-size"], Is.EqualTo(TwirpOptions.DefaultMaxRequestBodySize));
        Assert.That((bool?)kitchen["required"], Is.True);
        Assert.That(kitchen["content"]!.AsObject().Select(c => c.Key), Is.EqualTo(new[] { "application/json", "application/protobuf" }));
    }

    [Test]
    public async Task Every_error_status_is_answered_with_the_TwirpError_schema()
    {
        var document = await _app.GetDocumentAsync();
        var error = document["components"]!["schemas"]!["TwirpError"]!;
        var codes = error["properties"]!["code"]!["enum"]!.AsArray().Select(c => (string?)c).ToList();

        Assert.That(codes, Has.Count.EqualTo(18));
        Assert.That(codes, Does.Contain("malformed").And.Contain("bad_route").And.Contain("resource_exhausted"));
        var responses = document["paths"]!["/kitchen/openapi.kitchen.KitchenSink/Echo"]!["post"]!["responses"]!.AsObject();
        Assert.That(responses.Select(r => r.Key), Is.EqualTo(new[] { "200", "400", "401", "403", "404", "408", "409", "412", "429", "500", "501", "503" }));
        var notFound = document["components"]!["responses"]!["TwirpError404"]!["content"]!["application/json"]!["schema"]!["allOf"]![1]!;
        Assert.That(notFound["properties"]!["code"]!["enum"]!.AsArray().Select(c => (string?)c), Is.EqualTo(new[] { "not_found", "bad_route" }));
    }

    [Test]
    public async Task The_document_passes_Redocly_lint_with_no_errors()
    {
        var (exitCode, output) = await NodeTools.LintTextAsync(await _app.GetDocumentTextAsync());

        TestContext.Out.WriteLine(output);
        Assert.That(exitCode, Is.Zero, output);
    }
}
