using System;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Twirp;

/// <summary>Interceptors, outermost first.</summary>
public sealed class TwirpInterceptorCollection : Collection<TwirpInterceptorRegistration>
{
    /// <summary>
    /// Adds <typeparamref name="TInterceptor"/>, resolved from DI per call, or created per call with its
    /// constructor's dependencies from DI (and disposed after it) when it is not registered.
    /// </summary>
    public void Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TInterceptor>()
        where TInterceptor : TwirpInterceptor
        => Add(new TwirpInterceptorRegistration(typeof(TInterceptor), ActivatorUtilities.CreateFactory(typeof(TInterceptor), Type.EmptyTypes)));

    /// <summary>Adds one instance shared by every call.</summary>
    public void Add(TwirpInterceptor interceptor)
    {
        ArgumentNullException.ThrowIfNull(interceptor);
        Add(new TwirpInterceptorRegistration(interceptor));
    }
}

/// <summary>How one interceptor is obtained for a call.</summary>
public sealed class TwirpInterceptorRegistration
{
    private readonly ObjectFactory? _factory;
    private readonly TwirpInterceptor? _instance;

    internal TwirpInterceptorRegistration(Type type, ObjectFactory factory)
    {
        Type = type;
        _factory = factory;
    }

    internal TwirpInterceptorRegistration(TwirpInterceptor instance)
    {
        Type = instance.GetType();
        _instance = instance;
    }

    /// <summary>The interceptor's type.</summary>
    public Type Type { get; }

    internal TwirpInterceptor Resolve(IServiceProvider services, out bool created)
    {
        created = false;
        if (_instance is not null)
        {
            return _instance;
        }
        if (services.GetService(Type) is TwirpInterceptor registered)
        {
            return registered;
        }
        created = true;
        return (TwirpInterceptor)_factory!(services, null);
    }
}
