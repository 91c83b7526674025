using System;

namespace Twirp;

/// <summary>
/// Endpoint metadata on every method endpoint <c>MapTwirp</c> maps: the service's configuration as it
/// applies (global options merged with the service's own), so tools such as Twirp.OpenApi can describe
/// what the server really does.
/// </summary>
public sealed class TwirpServiceEndpointMetadata
{
    private readonly Func<(TwirpJsonOptions Json, long? MaxRequestBodySize)> _current;

    /// <summary>Describes a service's configuration; <c>MapTwirp</c> creates one per service, tools may create their own.</summary>
    public TwirpServiceEndpointMetadata(string serviceFullName, string pathPrefix, TwirpJsonOptions json, long? maxRequestBodySize)
        : this(serviceFullName, pathPrefix, () => (json, maxRequestBodySize))
    {
        ArgumentNullException.ThrowIfNull(json);
    }

    /// <summary>For a mapped service, whose options may be reloaded: the values are read when asked for.</summary>
    internal TwirpServiceEndpointMetadata(string serviceFullName, string pathPrefix, Func<(TwirpJsonOptions Json, long? MaxRequestBodySize)> current)
    {
        ServiceFullName = serviceFullName;
        PathPrefix = pathPrefix;
        _current = current;
    }

    /// <summary><c>package.Service</c>.</summary>
    public string ServiceFullName { get; }

    /// <summary>The path prefix before <c>/package.Service/Method</c> (empty, or starting with <c>/</c>), not counting route groups.</summary>
    public string PathPrefix { get; }

    /// <summary>Whether JSON responses use proto field names (else lowerCamelCase JSON names).</summary>
    public bool JsonUseProtoNames => _current().Json.UseProtoNames;

    /// <summary>Whether JSON responses include fields that hold their default value.</summary>
    public bool JsonEmitDefaultValues => _current().Json.EmitDefaultValues;

    /// <summary>The largest request body accepted, in bytes; null when Twirp sets no limit.</summary>
    public long? MaxRequestBodySize => _current().MaxRequestBodySize;
}
