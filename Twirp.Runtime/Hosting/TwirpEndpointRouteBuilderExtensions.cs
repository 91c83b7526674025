using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Twirp;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Twirp services to endpoints.</summary>
public static class TwirpEndpointRouteBuilderExtensions
{
    // Below every user endpoint (a user route at the same path always wins) but above MapFallback's
    // int.MaxValue, so an SPA fallback does not swallow Twirp's bad_route answers.
    private const int CatchAllOrder = int.MaxValue - 1;

    // Twirp Go's CamelCased spellings (TwirpGoRoutes) rank just below the literal routes (order 0).
    private const int AliasOrder = 1;

    /// <summary>
    /// Maps every method of <typeparamref name="TService"/> to <c>{prefix}/{package.Service}/{Method}</c>
    /// (and, as Twirp Go does, to the CamelCased spelling of a snake_case service or method name),
    /// plus (once per route pattern) a low-priority catch-all that answers unknown Twirp routes with
    /// <c>bad_route</c>. The service is resolved from DI per call, or created per call with its
    /// constructor's dependencies from DI. Attributes of the service class, then of each method's
    /// implementation, become endpoint metadata (<c>[Authorize]</c>, <c>[AllowAnonymous]</c>, ...).
    /// </summary>
    /// <returns>A builder whose conventions (<c>RequireAuthorization</c>, <c>RequireCors</c>, ...) apply to every method.</returns>
    public static IEndpointConventionBuilder MapTwirp<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods)] TService>(this IEndpointRouteBuilder endpoints)
        where TService : class, ITwirpService
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var dispatcher = TwirpServiceDispatcher.Create<TService>(endpoints.ServiceProvider);
        var definition = dispatcher.Definition;
        var registry = endpoints.ServiceProvider.GetRequiredService<TwirpRouteRegistry>();
        if (registry.Register(endpoints, dispatcher.Runtime, TwirpGoRoutes.ServiceAlias(definition), out var serviceAlias) is { } scope)
        {
            MapCatchAll(endpoints, registry, scope);
        }

        var serviceAttributes = typeof(TService).GetCustomAttributes(inherit: true);
        var routes = TwirpGoRoutes.MethodRoutes(definition, serviceAlias);
        var builders = new List<IEndpointConventionBuilder>(routes.Count);
        var invokers = dispatcher.Invokers;
        foreach (var route in routes)
        {
            var invoker = invokers[route.ServerMethod.Method.Name];
            var method = invoker.Method;
            // Any HTTP method: a GET on a method's path is Twirp's bad_route 404 (after the hooks), not routing's 405.
            var builder = endpoints.Map(dispatcher.PathPrefix + "/" + route.Spellings[0], new TwirpHttpEndpoint(invoker, route.Spellings).HandleAsync);
            builder.WithDisplayName("Twirp " + route.Spellings[0]);
            builder.WithMetadata(method, dispatcher.Runtime.EndpointMetadata);
            builder.WithMetadata(serviceAttributes);
            var handler = FindHandler(typeof(TService), invoker.ServerMethod);
            if (handler is not null)
            {
                builder.WithMetadata(handler.GetCustomAttributes(inherit: true));
            }
            if (route.IsAlias)
            {
                // Below the literal routes: where an alias equals another service's name, that service wins.
                builder.Add(static endpoint => ((RouteEndpointBuilder)endpoint).Order = AliasOrder);
            }
            builders.Add(builder);
        }
        return new CompositeEndpointConventionBuilder(builders);
    }

    private static MethodInfo? FindHandler([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] Type serviceType, TwirpServerMethod serverMethod) =>
        serviceType.GetMethod(serverMethod.HandlerName, BindingFlags.Public | BindingFlags.Instance, new[] { serverMethod.Method.RequestType, typeof(TwirpContext) });

    private static void MapCatchAll(IEndpointRouteBuilder endpoints, TwirpRouteRegistry registry, TwirpRouteRegistry.Scope scope)
    {
        var pattern = RoutePatternFactory.Parse(
            "/{**" + TwirpRouteRegistry.CatchAllParameter + "}",
            defaults: null,
            parameterPolicies: new RouteValueDictionary { [TwirpRouteRegistry.CatchAllParameter] = new TwirpRouteRegistry.Constraint(scope) });
        var endpoint = new TwirpBadRouteEndpoint(scope, registry.Logger);
        endpoints.Map(pattern, endpoint.HandleAsync)
            .WithDisplayName("Twirp bad route")
            .WithMetadata(TwirpBadRouteMetadata.Instance)
            .Add(builder =>
            {
                var route = (RouteEndpointBuilder)builder;
                route.Order = CatchAllOrder;
                // Only now is the whole pattern known, group prefixes included.
                registry.Bind(scope, route.RoutePattern.RawText);
            });
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

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
