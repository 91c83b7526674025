#if NET10_0_OR_GREATER
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Twirp.OpenApi;

/// <summary>
/// Merges the document <c>MapTwirpOpenApi</c> serves into a Microsoft.AspNetCore.OpenApi document: the
/// Twirp document is built as always, read back with Microsoft.OpenApi's reader, and its paths, tags and
/// components are added, so both documents say the same about every Twirp operation.
/// </summary>
internal sealed class TwirpOpenApiDocumentTransformer : IOpenApiDocumentTransformer
{
    /// <summary>Appended to a Twirp component's name that the document already uses for one of its own.</summary>
    public const string CollisionSuffix = "-twirp";

    private const string ComponentsRef = "#/components/";
    private static readonly string[] s_componentKinds = ["schemas", "responses"];

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var endpoints = context.ApplicationServices.GetRequiredService<EndpointDataSource>();
        var services = TwirpOpenApiEndpointRouteBuilderExtensions.FindMappedServices(endpoints);
        if (services.Count == 0)
        {
            return Task.CompletedTask;
        }
        var twirp = TwirpOpenApiDocumentBuilder.Build(services, new TwirpOpenApiOptions());
        document.Components ??= new OpenApiComponents();
        RenameComponentsTakenBy(document.Components, twirp);

        var (parsed, diagnostic) = OpenApiDocument.Parse(twirp.ToJsonString(), OpenApiConstants.Json);
        if (parsed is null || diagnostic?.Errors.Count > 0)
        {
            // The Twirp document is ours and passes an OpenAPI linter: reaching this is a defect here.
            throw new InvalidOperationException("Microsoft.OpenApi could not read the Twirp OpenAPI document: "
                + string.Join("; ", diagnostic?.Errors.Select(e => e.ToString()) ?? []));
        }
        AddPaths(document, parsed);
        AddTags(document, parsed);
        AddComponents(document.Components, parsed.Components);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Renames the Twirp components whose names the document already gives its own (a minimal API's
    /// <c>Hat</c> beside a proto <c>Hat</c> without a package, a type named <c>TwirpError</c>), and every
    /// <c>$ref</c> to them: the document's components keep their names, since its other operations refer to them.
    /// </summary>
    private static void RenameComponentsTakenBy(OpenApiComponents taken, JsonObject twirp)
    {
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kind in s_componentKinds)
        {
            if (twirp["components"]?[kind] is not JsonObject components)
            {
                continue;
            }
            var names = kind == "schemas" ? taken.Schemas?.Keys : taken.Responses?.Keys;
            if (names is null || names.Count == 0)
            {
                continue;
            }
            foreach (var name in components.Select(c => c.Key).ToList())
            {
                if (!names.Contains(name))
                {
                    continue;
                }
                var newName = name + CollisionSuffix;
                for (var n = 2; names.Contains(newName) || components.ContainsKey(newName); n++)
                {
                    newName = name + CollisionSuffix + n.ToString(CultureInfo.InvariantCulture);
                }
                var component = components[name];
                components.Remove(name);
                components[newName] = component;
                renamed[ComponentsRef + kind + "/" + name] = ComponentsRef + kind + "/" + newName;
            }
        }
        if (renamed.Count > 0)
        {
            RewriteReferences(twirp, renamed);
        }
    }

    private static void RewriteReferences(JsonNode? node, Dictionary<string, string> renamed)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var target) && renamed.TryGetValue(target, out var newTarget))
                {
                    obj["$ref"] = newTarget;
                }
                foreach (var (_, child) in obj)
                {
                    RewriteReferences(child, renamed);
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    RewriteReferences(child, renamed);
                }
                break;
        }
    }

    private static void AddPaths(OpenApiDocument document, OpenApiDocument twirp)
    {
        document.Paths ??= new OpenApiPaths();
        foreach (var (path, item) in twirp.Paths)
        {
            if (!document.Paths.TryGetValue(path, out var existing))
            {
                document.Paths[path] = item;
                continue;
            }
            // An endpoint of the app at a Twirp method's path: both operations stay, unless they are the same.
            foreach (var (method, operation) in item.Operations ?? [])
            {
                if (existing.Operations?.ContainsKey(method) == true || existing is not OpenApiPathItem open)
                {
                    throw new InvalidOperationException(
                        $"The OpenAPI document already has an operation {method} {path}, where a Twirp method is mapped; map one of them elsewhere.");
                }
                open.AddOperation(method, operation);
            }
        }
    }

    private static void AddTags(OpenApiDocument document, OpenApiDocument twirp)
    {
        document.Tags ??= new HashSet<OpenApiTag>();
        foreach (var tag in twirp.Tags ?? new HashSet<OpenApiTag>())
        {
            // A tag the app already has keeps its own description; the Twirp operations join it.
            if (!document.Tags.Any(t => t.Name == tag.Name))
            {
                document.Tags.Add(tag);
            }
        }
    }

    private static void AddComponents(OpenApiComponents components, OpenApiComponents? twirp)
    {
        if (twirp?.Schemas is { } schemas)
        {
            components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
            foreach (var (name, schema) in schemas)
            {
                components.Schemas.Add(name, schema);
            }
        }
        if (twirp?.Responses is { } responses)
        {
            components.Responses ??= new Dictionary<string, IOpenApiResponse>(StringComparer.Ordinal);
            foreach (var (name, response) in responses)
            {
                components.Responses.Add(name, response);
            }
        }
    }
}
#endif
