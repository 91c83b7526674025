using System;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Twirp;

/// <summary>
/// Gets the service instance for one call: from DI when registered (a singleton straight from the root
/// provider, so the call needs no request scope; scoped means per call), else created per call with its
/// constructor's dependencies from DI and disposed after it.
/// </summary>
internal abstract class TwirpServiceActivator
{
    public abstract object Create(TwirpContext context, out bool created);

    public static ValueTask ReleaseAsync(object service, bool created)
    {
        if (!created)
        {
            return default;
        }
        if (service is IAsyncDisposable asyncDisposable)
        {
            return asyncDisposable.DisposeAsync();
        }
        (service as IDisposable)?.Dispose();
        return default;
    }
}

internal sealed class TwirpServiceActivator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TService> : TwirpServiceActivator
    where TService : class
{
    private readonly ObjectFactory<TService> _factory = ActivatorUtilities.CreateFactory<TService>(Type.EmptyTypes);

    // Decided once: a service that is not registered and whose only constructor takes nothing needs no
    // DI at all, so a call never makes the transport create its DI scope (over HTTP a scope per request).
    private readonly bool _registered;
    private readonly bool _needsServices;

    // A singleton is the same instance from every scope: taken from the root provider on first use (not
    // when mapped, so its constructor runs when DI would run it), then kept.
    private readonly IServiceProvider? _singletonSource;
    private TService? _singleton;

    public TwirpServiceActivator(IServiceProvider services)
    {
        // Without IServiceProviderIsService (a container that lacks it) every call asks DI, as before.
        _registered = services.GetService<IServiceProviderIsService>()?.IsService(typeof(TService)) ?? true;
        if (_registered && services.GetService<TwirpMarkerService>()?.LifetimeOf(typeof(TService)) == ServiceLifetime.Singleton)
        {
            _singletonSource = services;
        }
        var constructors = typeof(TService).GetConstructors();
        _needsServices = constructors.Length != 1 || constructors[0].GetParameters().Length > 0;
    }

    public override object Create(TwirpContext context, out bool created)
    {
        if (_singletonSource is not null)
        {
            created = false;
            return _singleton ??= _singletonSource.GetRequiredService<TService>();
        }
        if (_registered && context.RequestServices.GetService<TService>() is { } registered)
        {
            created = false;
            return registered;
        }
        created = true;
        return _factory(_needsServices ? context.RequestServices : TwirpContext.NoServices, null);
    }
}
