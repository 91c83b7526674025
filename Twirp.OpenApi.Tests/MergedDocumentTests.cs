using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.OpenApi.Tests.Infrastructure;

namespace Twirp.OpenApi.Tests;

/// <summary>
/// An app that publishes its minimal APIs with Microsoft.AspNetCore.OpenApi (<c>AddOpenApi</c>,
/// <c>MapOpenApi</c>) and adds its Twirp services to that document with <c>AddTwirpOperations()</c>.
/// </summary>
public class MergedDocumentTests
{
    private const string MergedDocument = "/openapi/v1.json";
    private const string DocumentWithoutTwirp = "/openapi/minimal.json";

    private static readonly string[] s_twirpPaths =
    [
        "/kitchen/openapi.kitchen.KitchenSink/Echo",
        "/kitchen/openapi.kitchen.KitchenSink/Ping",
        "/kitchen/openapi.kitchen.KitchenSink/Grow",
        "/api/twirp/twirp.example.haberdasher.Haberdasher/MakeHat",
    ];

    private OpenApiTestApp _app = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _app = await OpenApiTestApp.StartTestServicesAsync(
        app =>
        {
            app.MapGet("/orders/{id}", (int id) => new HatOrder(id, "felt", 3)).WithName("GetOrder").WithTags("orders").WithSummary("An order of hats");
            app.MapOpenApi();
        },
        services =>
        {
            services.AddOpenApi(options =>
            {
                MakeTheAppsOwnOperationsLintClean(options);
                options.AddTwirpOperations();
            });
            // A second document of the same app that does not ask for the Twirp operations.
            services.AddOpenApi("minimal");
        });

    [OneTimeTearDown]
    public async Task StopAsync() => await _app.DisposeAsync();

    [Test]
    public async Task The_document_holds_the_minimal_API_operation_and_every_Twirp_operation_at_its_real_path()
    {
        var paths = (await _app.GetDocumentAsync(MergedDocument))["paths"]!.AsObject();

        Assert.That(paths.Select(p => p.Key), Is.EquivalentTo(s_twirpPaths.Append("/orders/{id}")));
        Assert.That((string?)paths["/orders/{id}"]!["get"]!["operationId"], Is.EqualTo("GetOrder"));
        var makeHat = paths["/api/twirp/twirp.example.haberdasher.Haberdasher/MakeHat"]!.AsObject();
        Assert.That(makeHat.Select(o => o.Key), Is.EqualTo(new[] { "post" }));
        Assert.That((string?)makeHat["post"]!["operationId"], Is.EqualTo("twirp.example.haberdasher.Haberdasher.MakeHat"));
        var tags = (await _app.GetDocumentAsync(MergedDocument))["tags"]!.AsArray().Select(t => (string?)t!["name"]);
        Assert.That(tags, Is.SupersetOf(new[] { "orders", "openapi.kitchen.KitchenSink", "twirp.example.haberdasher.Haberdasher" }));
    }

    [Test]
    public async Task The_Twirp_operations_and_components_say_what_MapTwirpOpenApi_says()
    {
        var merged = await _app.GetDocumentAsync(MergedDocument);
        var twirp = await _app.GetDocumentAsync();

        var compared = new List<string>();
        var different = new List<string>();
        void Compare(string kind, string name)
        {
            compared.Add(kind + "/" + name);
            var (mine, theirs) = (merged[kind == "paths" ? "paths" : "components"]!, twirp[kind == "paths" ? "paths" : "components"]!);
            var (mergedNode, twirpNode) = kind == "paths" ? (mine[name], theirs[name]) : (mine[kind]![name], theirs[kind]![name]);
            if (!SameSchema(mergedNode, twirpNode))
            {
                different.Add($"{kind}/{name}\n  merged: {mergedNode?.ToJsonString()}\n  twirp:  {twirpNode?.ToJsonString()}");
            }
        }
        foreach (var path in s_twirpPaths)
        {
            Compare("paths", path);
        }
        foreach (var kind in new[] { "schemas", "responses" })
        {
            foreach (var (name, _) in twirp["components"]![kind]!.AsObject())
            {
                Compare(kind, name);
            }
        }

        Assert.That(compared, Has.Count.GreaterThan(s_twirpPaths.Length + 20));
        Assert.That(different, Is.Empty, string.Join("\n", different));
    }

    [Test]
    public async Task Every_reference_in_the_document_resolves()
    {
        var document = await _app.GetDocumentAsync(MergedDocument);

        var references = References(document).ToList();

        Assert.That(references, Does.Contain("#/components/schemas/HatOrder"), "the minimal API's own schema");
        Assert.That(references, Does.Contain("#/components/schemas/twirp.example.haberdasher.Hat"));
        Assert.That(references, Does.Contain("#/components/responses/TwirpError404"));
        Assert.That(references.Where(r => Resolve(document, r) is null), Is.Empty);
    }

    [Test]
    public async Task The_document_passes_Redocly_lint_with_no_errors()
    {
        var (exitCode, output) = await NodeTools.LintTextAsync(await _app.GetDocumentTextAsync(MergedDocument));

        TestContext.Out.WriteLine(output);
        Assert.That(exitCode, Is.Zero, output);
    }

    [Test]
    public async Task The_path_of_each_Twirp_operation_answers_a_real_call()
    {
        var paths = (await _app.GetDocumentAsync(MergedDocument))["paths"]!.AsObject();
        var pings = paths.Select(p => p.Key).Where(p => p.EndsWith("/Ping", StringComparison.Ordinal)).ToList();

        Assert.That(pings, Is.Not.Empty);
        foreach (var path in pings)
        {
            using var response = await _app.Http.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"));
            Assert.That((int)response.StatusCode, Is.EqualTo(200), path);
        }
    }

    [Test]
    public async Task A_document_that_does_not_add_the_Twirp_operations_has_none()
    {
        var document = await _app.GetDocumentAsync(DocumentWithoutTwirp);

        Assert.That(document["paths"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "/orders/{id}" }));
        Assert.That(document["components"]!["schemas"]!.AsObject().Select(s => s.Key), Is.EqualTo(new[] { "HatOrder" }));
    }

    [Test]
    public async Task A_Twirp_component_whose_name_the_app_already_uses_is_renamed_and_the_apps_own_keeps_its_name()
    {
        await using var app = await OpenApiTestApp.StartAsync(
            app =>
            {
                app.MapTwirp<HaberdasherService>();
                // The app's own error type is called TwirpError, and another of its types is named TwirpError-twirp.
                app.MapGet("/fail", () => new TwirpError("no hats today")).WithName("Fail").WithSummary("Fails");
                app.MapGet("/fail-more", () => new ErrorDetail(2)).WithName("FailMore").WithSummary("Fails again");
                app.MapOpenApi();
            },
            configureServices: services => services.AddOpenApi(options =>
            {
                options.CreateSchemaReferenceId = type => type.Type == typeof(ErrorDetail) ? "TwirpError-twirp" : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
                MakeTheAppsOwnOperationsLintClean(options);
                options.AddTwirpOperations();
            }));

        var document = await app.GetDocumentAsync(MergedDocument);

        var schemas = document["components"]!["schemas"]!.AsObject();
        Assert.That(schemas["TwirpError"]!["properties"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "reason" }), "the app's TwirpError");
        Assert.That(schemas["TwirpError-twirp"]!["properties"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "attempt" }), "the app's ErrorDetail");
        Assert.That(schemas["TwirpError-twirp2"]!["properties"]!.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "code", "msg", "meta" }), "Twirp's error");
        Assert.That((string?)document["paths"]!["/fail"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"],
            Is.EqualTo("#/components/schemas/TwirpError"));
        var notFound = document["components"]!["responses"]!["TwirpError404"]!["content"]!["application/json"]!["schema"]!["allOf"]![0]!;
        Assert.That((string?)notFound["$ref"], Is.EqualTo("#/components/schemas/TwirpError-twirp2"));
        Assert.That(References(document).Where(r => Resolve(document, r) is null), Is.Empty);
        var (exitCode, output) = await NodeTools.LintTextAsync(await app.GetDocumentTextAsync(MergedDocument));
        Assert.That(exitCode, Is.Zero, output);
    }

    [Test]
    public async Task An_operation_of_the_app_at_a_Twirp_methods_path_and_HTTP_method_fails_the_document_with_a_clear_error()
    {
        const string makeHat = "/twirp/twirp.example.haberdasher.Haberdasher/MakeHat";
        await using var app = await OpenApiTestApp.StartAsync(
            app =>
            {
                app.MapTwirp<HaberdasherService>();
                app.MapPost(makeHat, () => "a hat").WithName("NotTwirp");
                app.MapOpenApi();
            },
            configureServices: services => services.AddOpenApi(options => options.AddTwirpOperations()));

        using var response = await app.Http.GetAsync(MergedDocument);
        var provider = app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1");
        var error = Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetOpenApiDocumentAsync());

        Assert.That((int)response.StatusCode, Is.EqualTo(500));
        Assert.That(error!.Message, Does.Contain("POST " + makeHat));
    }

    /// <summary>
    /// What the app does for its own operations to pass Redocly's recommended rules (the Twirp operations
    /// pass them as they are): Microsoft.AspNetCore.OpenApi writes the server URL with a trailing slash and
    /// leaves an operation's security unsaid. Operation transformers see only the app's own operations.
    /// </summary>
    private static void MakeTheAppsOwnOperationsLintClean(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, _, _) =>
        {
            operation.Security ??= [];
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Equal as JSON Schemas, for the three ways Microsoft.OpenApi writes a schema that means the same:
    /// a <c>type</c> array is a set (<c>["null", "integer"]</c> for our <c>["integer", "null"]</c>), the
    /// schema <c>true</c> is <c>{}</c> (<c>items: {}</c>), and <c>additionalProperties: true</c> is the
    /// default, left out. Property order never counts in JSON objects.
    /// </summary>
    private static bool SameSchema(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(Canonical(a), Canonical(b));

    private static JsonNode? Canonical(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var canonical = new JsonObject();
                foreach (var (name, child) in obj)
                {
                    if (name == "additionalProperties" && child is JsonValue allowed && allowed.TryGetValue<bool>(out var any) && any)
                    {
                        continue;
                    }
                    canonical[name] = (name, child) switch
                    {
                        ("type", JsonArray types) => new JsonArray(types.Select(t => (string)t!).Order(StringComparer.Ordinal).Select(t => (JsonNode?)t).ToArray()),
                        ("items", JsonValue value) when value.TryGetValue<bool>(out var everything) && everything => new JsonObject(),
                        _ => Canonical(child),
                    };
                }
                return canonical;
            case JsonArray array:
                return new JsonArray(array.Select(Canonical).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    private static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => p.Key == "$ref" && p.Value is JsonValue value ? [value.GetValue<string>()] : References(p.Value)),
        JsonArray array => array.SelectMany(References),
        _ => [],
    };

    /// <summary>The node a local <c>$ref</c> (a JSON pointer after <c>#</c>) points at, or null.</summary>
    private static JsonNode? Resolve(JsonObject document, string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }
        JsonNode? node = document;
        foreach (var token in reference[2..].Split('/'))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(token.Replace("~1", "/").Replace("~0", "~"), out var child) ? child : null;
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    public sealed record HatOrder(int Id, string Material, int Count);

    public sealed record TwirpError(string Reason);

    public sealed record ErrorDetail(int Attempt);
}
