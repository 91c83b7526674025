using System;
using System.Collections.Generic;
using System.Text;

namespace Twirp;

/// <summary>
/// The other spellings Twirp Go's servers accept: protoc-gen-twirp serves a service or method whose
/// <c>.proto</c> name is not CamelCase (<c>Haberdasher_v1</c>, <c>make_hat</c>) under its CamelCased
/// name too (<c>HaberdasherV1</c>, <c>MakeHat</c>), which is what Go clients send by default. The literal
/// name is always the route a method is mapped with; these are extra routes, resolved once at startup.
/// </summary>
internal static class TwirpGoRoutes
{
    /// <summary>
    /// Go's CamelCase of a proto identifier, as protoc-gen-twirp (and protoc-gen-go) compute it: an
    /// underscore followed by a lower-case letter is dropped and the letter upper-cased, a word's first
    /// letter is upper-cased, digits are kept, and a leading underscore becomes <c>X</c>.
    /// </summary>
    public static string CamelCase(string name)
    {
        if (name.Length == 0)
        {
            return name;
        }
        var result = new StringBuilder(name.Length + 1);
        var i = 0;
        if (name[0] == '_')
        {
            result.Append('X');
            i = 1;
        }
        for (; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '_' && i + 1 < name.Length && char.IsAsciiLetterLower(name[i + 1]))
            {
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                result.Append(c);
                continue;
            }
            result.Append(char.IsAsciiLetterLower(c) ? char.ToUpperInvariant(c) : c);
            while (i + 1 < name.Length && char.IsAsciiLetterLower(name[i + 1]))
            {
                i++;
                result.Append(name[i]);
            }
        }
        return result.ToString();
    }

    /// <summary>
    /// The CamelCased full name of <paramref name="definition"/> (<c>package.ServiceName</c>), or null
    /// when its name is CamelCase already.
    /// </summary>
    public static string? ServiceAlias(TwirpServiceDefinition definition)
    {
        var camel = CamelCase(definition.Name);
        if (string.Equals(camel, definition.Name, StringComparison.Ordinal))
        {
            return null;
        }
        return definition.Package.Length == 0 ? camel : definition.Package + "." + camel;
    }

    /// <summary>
    /// The routes below the path prefix (<c>Service/Method</c>) of each method of
    /// <paramref name="definition"/>, in endpoints. ASP.NET Core routing matches literals ignoring case,
    /// so spellings equal but for case share one endpoint (which tells them apart by ordinal
    /// comparison); the literal spelling always comes first, in an endpoint that is not an alias.
    /// A method's CamelCased name is dropped where it would take another method's route (equal to
    /// another method's name or CamelCased name, ignoring case): the literal name keeps its route, and
    /// two methods never share one. Twirp Go, comparing case-sensitively, would reject only the second.
    /// </summary>
    public static List<MethodRoute> MethodRoutes(TwirpServiceDefinition definition, string? serviceAlias)
    {
        var methods = definition.Methods;
        var literals = new HashSet<string>(methods.Count, StringComparer.Ordinal);
        var taken = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var serverMethod in methods)
        {
            var name = serverMethod.Method.Name;
            var camel = CamelCase(name);
            literals.Add(name);
            Count(taken, name);
            if (!string.Equals(camel, name, StringComparison.OrdinalIgnoreCase))
            {
                Count(taken, camel);
            }
        }

        var routes = new List<MethodRoute>(methods.Count);
        var services = serviceAlias is null ? [definition.FullName] : new[] { definition.FullName, serviceAlias };
        foreach (var serverMethod in methods)
        {
            var name = serverMethod.Method.Name;
            var camel = CamelCase(name);
            var names = new List<string>(2) { name };
            if (!literals.Contains(camel)
                && (string.Equals(camel, name, StringComparison.OrdinalIgnoreCase) || taken[camel] == 1))
            {
                names.Add(camel);
            }
            var start = routes.Count;
            foreach (var service in services)
            {
                foreach (var methodName in names)
                {
                    Add(routes, start, serverMethod, service + "/" + methodName);
                }
            }
        }
        return routes;
    }

    private static void Count(Dictionary<string, int> taken, string name) =>
        taken[name] = taken.TryGetValue(name, out var count) ? count + 1 : 1;

    // Into the endpoint of this method whose routes equal it but for case, else into a new one.
    private static void Add(List<MethodRoute> routes, int start, TwirpServerMethod serverMethod, string route)
    {
        for (var i = start; i < routes.Count; i++)
        {
            if (string.Equals(routes[i].Spellings[0], route, StringComparison.OrdinalIgnoreCase))
            {
                routes[i] = routes[i] with { Spellings = [.. routes[i].Spellings, route] };
                return;
            }
        }
        routes.Add(new MethodRoute(serverMethod, [route], IsAlias: routes.Count > start));
    }

    /// <summary>
    /// One endpoint of a method: the routes it answers (<c>Service/Method</c>, equal but for case), and
    /// whether it is an alias, mapped below the literal routes so that a literal route always wins.
    /// </summary>
    public readonly record struct MethodRoute(TwirpServerMethod ServerMethod, string[] Spellings, bool IsAlias);
}
