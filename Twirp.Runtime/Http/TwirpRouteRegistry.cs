using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Twirp;

/// <summary>
/// The prefixes and services mapped in an app, so the low-priority catch-all answers
/// <c>bad_route</c> for Twirp-looking paths only and never takes an app's other 404s.
/// </summary>
internal sealed class TwirpRouteRegistry
{
    public const string CatchAllParameter = "twirpPath";

    private readonly object _gate = new();
    private readonly ConditionalWeakTable<IEndpointRouteBuilder, object> _catchAllMapped = new();
    // Copy-on-write: written at startup, read on every unmatched request without locks.
    private Dictionary<string, string> _services = new(StringComparer.OrdinalIgnoreCase);
    private string[] _prefixes = [];

    public void Register(string prefix, string serviceFullName)
    {
        lock (_gate)
        {
            var services = new Dictionary<string, string>(_services, StringComparer.OrdinalIgnoreCase) { [serviceFullName] = prefix };
            _services = services;
            if (prefix.Length > 0 && Array.IndexOf(_prefixes, prefix) < 0)
            {
                _prefixes = [.. _prefixes, prefix];
            }
        }
    }

    /// <summary>Returns true once per route builder: the first time, the caller maps the catch-all.</summary>
    public bool TryClaimCatchAll(IEndpointRouteBuilder endpoints)
    {
        lock (_gate)
        {
            return _catchAllMapped.TryAdd(endpoints, this);
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> is a Twirp route: under a mapped prefix, or
    /// <c>.../{known service}/{method}</c> (a wrong prefix, or a service mapped without one).
    /// </summary>
    public bool IsTwirpPath(string path, out string? expectedPrefix)
    {
        expectedPrefix = null;
        var lastSlash = path.LastIndexOf('/');
        if (lastSlash > 0)
        {
            var serviceStart = path.LastIndexOf('/', lastSlash - 1) + 1;
            if (_services.TryGetValue(path.Substring(serviceStart, lastSlash - serviceStart), out var prefix))
            {
                expectedPrefix = prefix;
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

    /// <summary>Restricts the catch-all to <see cref="IsTwirpPath"/>.</summary>
    public sealed class Constraint(TwirpRouteRegistry registry) : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            values.TryGetValue(routeKey, out var value) && registry.IsTwirpPath("/" + value, out _);
    }
}
