namespace Twirp.OpenApi;

/// <summary>What the OpenAPI document of the Twirp services says about itself.</summary>
public sealed class TwirpOpenApiOptions
{
    /// <summary>The document's <c>info.title</c>. Default: <c>Twirp API</c>.</summary>
    public string Title { get; set; } = "Twirp API";

    /// <summary>The document's <c>info.version</c>, the API's version. Default: <c>1.0.0</c>.</summary>
    public string Version { get; set; } = "1.0.0";

    /// <summary>The document's <c>info.description</c>, if any.</summary>
    public string? Description { get; set; }
}
