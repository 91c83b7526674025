using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Twirp;

/// <summary>
/// The Twirp services mapped in an app, grouped by where their low-priority catch-all answers
/// <c>bad_route</c>, so it answers Twirp-looking paths only and never takes an app's other 404s.
/// </summary>
internal sealed class TwirpRouteRegistry(ILoggerFactory loggerFactory)
{
    public const string CatchAllParameter = "twirpPath";

    private readonly object _gate = new();
    private readonly ConditionalWeakTable<IEndpointRouteBuilder, Scope> _scopes = new();
    private readonly Dictionary<string, Scope> _scopesByPattern = new(StringComparer.OrdinalIgnoreCase);

    public ILogger Logger { get; } = loggerFactory.CreateLogger("Twirp.Server");

    /// <summary>
    /// Adds <paramref name="service"/> to the scope of <paramref name="endpoints"/>, with
    /// <paramref name="alias"/> (its CamelCased full name, see <see cref="TwirpGoRoutes"/>) unless a
    /// service mapped before already answers to that name; <paramref name="granted"/> is the alias to map.
    /// Returns the scope the first time a route builder is seen: the caller then maps its catch-all.
    /// </summary>
    public Scope? Register(IEndpointRouteBuilder endpoints, TwirpServiceRuntime service, string? alias, out string? granted)
    {
        lock (_gate)
        {
            var isNew = !_scopes.TryGetValue(endpoints, out var scope);
            if (scope is null)
            {
                scope = new Scope();
                _scopes.Add(endpoints, scope);
            }
            granted = scope.Add(service, alias) ? alias : null;
            return isNew ? scope : null;
        }
    }

    /// <summary>
    /// Called when the catch-all of <paramref name="scope"/> is built, with its whole route pattern
    /// (group prefixes included). Two route builders with the same pattern (two <c>MapGroup("/x")</c>)
    /// would map two equal catch-alls, an ambiguous match for every unknown path: the second one merges
    /// its services into the first and its catch-all stops matching.
    /// </summary>
    public void Bind(Scope scope, string? pattern)
    {
        if (pattern is null)
        {
            return;
        }
        lock (_gate)
        {
            if (!_scopesByPattern.TryGetValue(pattern, out var owner))
            {
                _scopesByPattern[pattern] = scope;
            }
            else if (owner != scope)
            {
                scope.MergeInto(owner);
            }
        }
    }

    /// <summary>The services mapped through one route builder (or several with the same pattern).</summary>
    public sealed class Scope
    {
        // Copy-on-write: written at startup under the registry's lock, read on every unmatched request without locks.
        private Dictionary<string, TwirpServiceRuntime> _services = new(StringComparer.OrdinalIgnoreCase);
        private Dictionary<string, TwirpServiceRuntime> _aliases = new(StringComparer.OrdinalIgnoreCase);
        private string[] _prefixes = [];
        private Scope? _mergedInto;

        public bool IsActive => _mergedInto is null;

        /// <summary>Adds a service; returns whether <paramref name="alias"/> is its own (no other service here has that name).</summary>
        public bool Add(TwirpServiceRuntime service, string? alias)
        {
            if (_mergedInto is { } owner)
            {
                return owner.Add(service, alias);
            }
            _services = new Dictionary<string, TwirpServiceRuntime>(_services, StringComparer.OrdinalIgnoreCase) { [service.Definition.FullName] = service };
            if (service.PathPrefix.Length > 0 && Array.IndexOf(_prefixes, service.PathPrefix) < 0)
            {
                _prefixes = [.. _prefixes, service.PathPrefix];
            }
            // An alias equal to the name but for case ("pkg.haberdasher" -> "pkg.Haberdasher") shares its routes.
            return alias is not null
                && (string.Equals(alias, service.Definition.FullName, StringComparison.OrdinalIgnoreCase) || TryAddAlias(alias, service));
        }

        public void MergeInto(Scope owner)
        {
            foreach (var service in _services.Values)
            {
                owner.Add(service, alias: null);
            }
            foreach (var (alias, service) in _aliases)
            {
                owner.TryAddAlias(alias, service);
            }
            _mergedInto = owner;
        }

        private bool TryAddAlias(string alias, TwirpServiceRuntime service)
        {
            if (_services.ContainsKey(alias) || _aliases.ContainsKey(alias))
            {
                return false;
            }
            _aliases = new Dictionary<string, TwirpServiceRuntime>(_aliases, StringComparer.OrdinalIgnoreCase) { [alias] = service };
            return true;
        }

        /// <summary>
        /// Whether <paramref name="path"/> (relative to the route builder) is a Twirp route:
        /// <c>{prefix}/{mapped service}/{anything}</c> (<paramref name="service"/> is then that service,
        /// by its name or its CamelCased alias, matched ignoring case as routing does, and <paramref name="prefix"/> what stands before it), or
        /// anything under a mapped prefix.
        /// </summary>
        public bool TryMatch(string path, out TwirpServiceRuntime? service, out string? prefix)
        {
            service = null;
            prefix = null;
            var lastSlash = path.LastIndexOf('/');
            if (lastSlash > 0)
            {
                var serviceSlash = path.LastIndexOf('/', lastSlash - 1);
                var serviceStart = serviceSlash + 1;
                var name = path.Substring(serviceStart, lastSlash - serviceStart);
                if (_services.TryGetValue(name, out service) || _aliases.TryGetValue(name, out service))
                {
                    prefix = serviceSlash < 0 ? string.Empty : path.Substring(0, serviceSlash);
                    return true;
                }
            }
            foreach (var mappedPrefix in _prefixes)
            {
                if (path.Length > mappedPrefix.Length
                    && path[mappedPrefix.Length] == '/'
                    && path.StartsWith(mappedPrefix, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>Restricts a catch-all to its scope's Twirp routes; a merged scope's catch-all matches nothing.</summary>
    public sealed class Constraint(Scope scope) : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            scope.IsActive && values.TryGetValue(routeKey, out var value) && scope.TryMatch("/" + value, out _, out _);
    }
}
