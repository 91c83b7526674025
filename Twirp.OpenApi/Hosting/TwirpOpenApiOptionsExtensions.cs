#if NET10_0_OR_GREATER
using System;
using Microsoft.AspNetCore.OpenApi;
using Twirp.OpenApi;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Twirp services to documents that Microsoft.AspNetCore.OpenApi (<c>AddOpenApi</c>) generates.</summary>
public static class TwirpOpenApiOptionsExtensions
{
    /// <summary>
    /// Adds every Twirp service mapped in the app (with <c>MapTwirp</c>) to this document, as
    /// <c>MapTwirpOpenApi</c> describes them: a POST operation per method at its real path, a tag per
    /// service, the message and enum schemas as the service's JSON options write them, and the Twirp
    /// error responses. A Twirp component whose name the document already uses gets the suffix
    /// <c>-twirp</c>; the document's own components keep their names.
    /// </summary>
    /// <example><c>builder.Services.AddOpenApi(options => options.AddTwirpOperations());</c></example>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    public static OpenApiOptions AddTwirpOperations(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.AddDocumentTransformer(new TwirpOpenApiDocumentTransformer());
    }
}
#endif
