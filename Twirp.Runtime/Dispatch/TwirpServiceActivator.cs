using System;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Twirp;

/// <summary>
/// Gets the service instance for one call: from DI when registered (any lifetime; scoped means per
/// call), else created per call with its constructor's dependencies from DI and disposed after it.
/// </summary>
internal abstract class TwirpServiceActivator
{
    public abstract object Create(IServiceProvider services, out bool created);

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

    public override object Create(IServiceProvider services, out bool created)
    {
        if (services.GetService<TService>() is { } registered)
        {
            created = false;
            return registered;
        }
        created = true;
        return _factory(services, null);
    }
}
