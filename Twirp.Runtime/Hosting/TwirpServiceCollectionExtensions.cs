using System;
using System.Linq;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Twirp;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Twirp server.</summary>
public static class TwirpServiceCollectionExtensions
{
    /// <summary>Adds the services <c>MapTwirp&lt;T&gt;()</c> needs, and configures <see cref="TwirpOptions"/>.</summary>
    public static ITwirpServerBuilder AddTwirp(this IServiceCollection services, Action<TwirpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.AddLogging();
        services.AddRouting();
        services.TryAddSingleton(new TwirpMarkerService(services));
        services.TryAddSingleton<TwirpRouteRegistry>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, TwirpBadRouteMatcherPolicy>());
        AddTwirpAuthorizationErrors(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }
        return new TwirpServerBuilder(services);
    }

    /// <summary>
    /// Configures the options of one service: null values inherit <see cref="TwirpOptions"/>, hooks and
    /// interceptors add to the global ones.
    /// </summary>
    public static ITwirpServerBuilder AddServiceOptions<TService>(this ITwirpServerBuilder builder, Action<TwirpServiceOptions<TService>> configure)
        where TService : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Reads <see cref="TwirpOptions"/> from <paramref name="section"/> (e.g. <c>builder.Configuration.GetSection("Twirp")</c>),
    /// after the options set in code, and again whenever the configuration reloads (an edited
    /// <c>appsettings.json</c>): the body limit, detailed errors, JSON and compression settings apply from
    /// the next call on; <c>PathPrefix</c> is read once, when the services are mapped. Keys: <c>PathPrefix</c>,
    /// <c>MaxRequestBodySize</c> (bytes; empty or <c>null</c> for no limit), <c>EnableDetailedErrors</c>,
    /// <c>Json:UseProtoNames</c>, <c>Json:EmitDefaultValues</c>, <c>ConnectCompressMinBytes</c> (bytes).
    /// Read by name, without reflection.
    /// </summary>
    public static ITwirpServerBuilder BindConfiguration(this ITwirpServerBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddSingleton<IConfigureOptions<TwirpOptions>>(new TwirpConfigureFromConfiguration(section));
        builder.Services.AddSingleton<IOptionsChangeTokenSource<TwirpOptions>>(new ConfigurationChangeTokenSource<TwirpOptions>(section));
        return builder;
    }

    // Replaces only the framework's default handler (or its absence: AddAuthorization's TryAdd then
    // keeps ours); an app's own handler, registered before or after, stays in charge.
    private static void AddTwirpAuthorizationErrors(IServiceCollection services)
    {
        var existing = services.LastOrDefault(d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        if (existing is null || existing.ImplementationType == typeof(AuthorizationMiddlewareResultHandler))
        {
            services.AddSingleton<IAuthorizationMiddlewareResultHandler, TwirpAuthorizationResultHandler>();
        }
    }

    private sealed class TwirpServerBuilder(IServiceCollection services) : ITwirpServerBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

/// <summary>Returned by <c>AddTwirp</c>, to configure the Twirp server further.</summary>
public interface ITwirpServerBuilder
{
    /// <summary>The app's services.</summary>
    IServiceCollection Services { get; }
}

/// <summary>Proves <c>AddTwirp</c> ran before <c>MapTwirp</c>.</summary>
/// <summary>
/// Says <c>AddTwirp</c> ran, and keeps the registrations it ran on, so that a service's lifetime can be
/// read once the container is built (<see cref="IServiceProviderIsService"/> says only whether a type is
/// registered).
/// </summary>
internal sealed class TwirpMarkerService(IServiceCollection services)
{
    /// <summary>
    /// The lifetime of the registration of <paramref name="serviceType"/> DI resolves (the last one, not
    /// keyed), or null when the collection has none (a container may also hold registrations of its own).
    /// </summary>
    public ServiceLifetime? LifetimeOf(Type serviceType)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType == serviceType && !descriptor.IsKeyedService)
            {
                return descriptor.Lifetime;
            }
        }
        return null;
    }
}
