using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Twirp;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Twirp services to endpoints.</summary>
public static class TwirpEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every method of <typeparamref name="TService"/> to <c>POST {prefix}/{package.Service}/{Method}</c>.
    /// The service is resolved from DI per call, or created with its constructor's dependencies from DI.
    /// </summary>
    public static IEndpointConventionBuilder MapTwirp<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TService>(this IEndpointRouteBuilder endpoints)
        where TService : class, ITwirpService
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<TwirpMarkerService>() is null)
        {
            throw new InvalidOperationException(
                "Unable to find the required services. Add them by calling 'services.AddTwirp()' in the application's startup code.");
        }

        var definition = TService.Definition;
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<TwirpOptions>>().Value;
        var prefix = options.PathPrefix.TrimEnd('/');
        Func<IServiceProvider, object> factory = static provider => ActivatorUtilities.GetServiceOrCreateInstance<TService>(provider);

        var builders = new List<IEndpointConventionBuilder>(definition.Methods.Count);
        foreach (var serverMethod in definition.Methods)
        {
            var handler = serverMethod.CreateHandler(factory);
            var builder = endpoints.MapPost(prefix + "/" + serverMethod.Method.FullName, handler.HandleAsync);
            builder.WithDisplayName("Twirp " + serverMethod.Method.FullName);
            builder.WithMetadata(serverMethod.Method);
            builders.Add(builder);
        }
        return new CompositeEndpointConventionBuilder(builders);
    }

    private sealed class CompositeEndpointConventionBuilder(List<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }
    }
}
