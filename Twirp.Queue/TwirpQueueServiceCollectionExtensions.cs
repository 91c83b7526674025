using System;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Twirp;
using Twirp.Queue;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a Twirp queue and its consumers.</summary>
public static class TwirpQueueServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="queue"/> as the app's <see cref="TwirpQueue"/>: producers inject it to
    /// enqueue, consumers serve it. The caller owns it and disposes it.
    /// </summary>
    public static IServiceCollection AddTwirpQueue(this IServiceCollection services, TwirpQueue queue)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(queue);
        services.TryAddSingleton(queue);
        return services;
    }

    /// <summary>Registers the app's <see cref="TwirpQueue"/>, created from the app's services on first use and disposed with them.</summary>
    public static IServiceCollection AddTwirpQueue(this IServiceCollection services, Func<IServiceProvider, TwirpQueue> factory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        services.TryAddSingleton(factory);
        return services;
    }

    /// <summary>
    /// Serves the queued calls of <typeparamref name="TService"/> in a hosted service, for the group and
    /// with the concurrency <paramref name="configure"/> sets. Call it again (another group, or the same
    /// group for more workers) as often as needed. Needs a registered <see cref="TwirpQueue"/>.
    /// </summary>
    public static ITwirpServerBuilder AddQueueConsumer<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TService>(this ITwirpServerBuilder builder, Action<TwirpQueueConsumerOptions>? configure = null)
        where TService : class, ITwirpService
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new TwirpQueueConsumerOptions();
        configure?.Invoke(options);
        options.Validate();
        builder.Services.AddSingleton<IHostedService>(services => new TwirpQueueConsumer<TService>(services, options));
        return builder;
    }
}
