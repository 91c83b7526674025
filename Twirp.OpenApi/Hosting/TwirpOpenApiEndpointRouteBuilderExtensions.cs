using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Twirp;
using Twirp.OpenApi;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Serves the OpenAPI document of the app's Twirp services.</summary>
public static class TwirpOpenApiEndpointRouteBuilderExtensions
{
    /// <summary>The path <see cref="MapTwirpOpenApi"/> serves the document at unless told otherwise.</summary>
    public const string DefaultPattern = "/openapi/twirp.json";

    /// <summary>
    /// Serves one OpenAPI 3.1 document for every Twirp service mapped in the app (with <c>MapTwirp</c>), at
    /// <paramref name="pattern"/>: a POST operation per method at its real path (path prefix and route
    /// groups included), schemas as the service's JSON options write them, the request body limit, and the
    /// Twirp error responses. Built from data the source generator emitted; no reflection.
    /// </summary>
    /// <returns>The document endpoint's builder, for conventions such as <c>AllowAnonymous</c> or <c>CacheOutput</c>.</returns>
    public static IEndpointConventionBuilder MapTwirpOpenApi(this IEndpointRouteBuilder endpoints, string pattern = DefaultPattern,
        Action<TwirpOpenApiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        var options = new TwirpOpenApiOptions();
        configure?.Invoke(options);
        return endpoints.MapGet(pattern, (HttpContext context) => WriteDocumentAsync(context, options))
            .WithDisplayName("Twirp OpenAPI document")
            .ExcludeFromDescription();
    }

    private static async Task WriteDocumentAsync(HttpContext context, TwirpOpenApiOptions options)
    {
        var endpoints = context.RequestServices.GetRequiredService<EndpointDataSource>();
        var document = TwirpOpenApiDocumentBuilder.Build(FindMappedServices(endpoints), options);
        document["servers"] = new JsonArray(new JsonObject { ["url"] = context.Request.PathBase.HasValue ? context.Request.PathBase.Value : "/" });
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.BodyWriter, new JsonWriterOptions { Indented = true });
        document.WriteTo(writer);
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Every Twirp service endpoint of the app, grouped into services by where they are mapped (a
    /// service mapped under two route groups appears twice), in mapping order.
    /// </summary>
    internal static List<MappedTwirpService> FindMappedServices(EndpointDataSource endpoints)
    {
        var services = new List<MappedTwirpService>();
        var byPlace = new Dictionary<(string, string), HashSet<string>>();
        foreach (var endpoint in endpoints.Endpoints)
        {
            if (endpoint is not RouteEndpoint route
                || endpoint.Metadata.GetMetadata<TwirpMethod>() is not { } method
                || endpoint.Metadata.GetMetadata<TwirpServiceEndpointMetadata>() is not { } configuration)
            {
                continue;
            }
            var path = "/" + (route.RoutePattern.RawText ?? string.Empty).TrimStart('/');
            var suffix = "/" + method.FullName;
            if (!path.EndsWith(suffix, StringComparison.Ordinal))
            {
                continue;
            }
            var basePath = path.Substring(0, path.Length - suffix.Length);
            if (!byPlace.TryGetValue((method.ServiceFullName, basePath), out var authorized))
            {
                if (TwirpOpenApiServices.Find(method.ServiceFullName) is not { } service)
                {
                    continue;
                }
                byPlace[(method.ServiceFullName, basePath)] = authorized = new HashSet<string>(StringComparer.Ordinal);
                services.Add(new MappedTwirpService(service, basePath, configuration, authorized));
            }
            if (endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null)
            {
                authorized.Add(method.Name);
            }
        }
        return services;
    }
}
