using System;
using Twirp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Twirp server.</summary>
public static class TwirpServiceCollectionExtensions
{
    /// <summary>Adds the services <c>MapTwirp&lt;T&gt;()</c> needs.</summary>
    public static IServiceCollection AddTwirp(this IServiceCollection services, Action<TwirpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.AddLogging();
        services.AddRouting();
        services.AddSingleton<TwirpMarkerService>();
        if (configure is not null)
        {
            services.Configure(configure);
        }
        return services;
    }
}

/// <summary>Proves <c>AddTwirp</c> ran before <c>MapTwirp</c>.</summary>
internal sealed class TwirpMarkerService
{
}
