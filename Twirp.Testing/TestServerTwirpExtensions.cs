using System;
using System.Collections.Generic;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Twirp;

namespace Microsoft.AspNetCore.TestHost;

/// <summary>Generated Twirp clients wired to an app under test.</summary>
public static class TestServerTwirpExtensions
{
    /// <summary>
    /// Creates a <typeparamref name="TClient"/> that calls the app under test through its in-memory
    /// <see cref="TestServer"/>: with <c>WebApplicationFactory&lt;Program&gt;</c>,
    /// <c>factory.Server.CreateTwirpClient&lt;HaberdasherClient&gt;()</c>. The path prefix is the one the
    /// app maps the service at (its <c>PathPrefix</c> options and route groups); then
    /// <paramref name="configure"/> sets the client's options (encoding, JSON, interceptors, hooks, or
    /// another prefix, which a prefix with route parameters needs). Redirects are not followed, as with
    /// <c>AddTwirpClient</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The app maps no method of the client's service.</exception>
    public static TClient CreateTwirpClient<TClient>(this TestServer server, Action<TwirpClientOptions>? configure = null)
        where TClient : TwirpClient, ITwirpClient<TClient>
    {
        ArgumentNullException.ThrowIfNull(server);
        var options = new TwirpClientOptions();
        if (FindPathPrefix(server.Services, TClient.ServiceFullName) is { } pathPrefix)
        {
            options.PathPrefix = pathPrefix;
        }
        configure?.Invoke(options);
        return TClient.Create(server.CreateClient(), options);
    }

    /// <summary>
    /// The path before <c>/package.Service/Method</c> of the first method endpoint the app maps for the
    /// service, route groups included: what a client must put before the route. Null when that path
    /// has route parameters (<c>MapGroup("/{tenant}")</c>): only the test knows their values.
    /// </summary>
    private static string? FindPathPrefix(IServiceProvider services, string serviceFullName)
    {
        var mapped = new List<string>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints)
        {
            if (endpoint is not RouteEndpoint route || endpoint.Metadata.GetMetadata<TwirpMethod>() is not { } method)
            {
                continue;
            }
            mapped.Add(method.ServiceFullName);
            if (method.ServiceFullName != serviceFullName)
            {
                continue;
            }
            var pattern = "/" + (route.RoutePattern.RawText ?? string.Empty).TrimStart('/');
            var suffix = "/" + method.FullName;
            if (!pattern.EndsWith(suffix, StringComparison.Ordinal))
            {
                // Another spelling of the same method's route (Twirp Go's CamelCased alias).
                continue;
            }
            return pattern.IndexOf('{', StringComparison.Ordinal) < 0 ? pattern[..^suffix.Length] : null;
        }
        var known = mapped.Count == 0 ? "none" : string.Join(", ", new SortedSet<string>(mapped, StringComparer.Ordinal));
        throw new InvalidOperationException(
            $"The app under test maps no method of the Twirp service {serviceFullName} (it maps: {known}). Is MapTwirp called for it?");
    }
}
