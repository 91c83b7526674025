using System.Collections.Generic;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;

namespace Twirp;

/// <summary>
/// Keeps the <c>bad_route</c> catch-all out of the candidates wherever a method's own route matches.
/// Without it every call also matched the catch-all: routing captured the whole path into route values
/// and ran its constraint, about 500 bytes and a dictionary lookup per call for an endpoint that could
/// never win (its order is below every method's). Applied when routing builds its state machine, so a
/// call pays nothing at run time.
/// </summary>
internal sealed class TwirpBadRouteMatcherPolicy : MatcherPolicy, INodeBuilderPolicy
{
    // After the policies that split candidates by request (HTTP method, host): only a state whose
    // candidates still include a method's route (a literal route, which always matches there) loses
    // the catch-all.
    public override int Order => int.MaxValue - 1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints)
    {
        var catchAll = false;
        var method = false;
        for (var i = 0; i < endpoints.Count; i++)
        {
            var metadata = endpoints[i].Metadata;
            if (metadata.GetMetadata<TwirpBadRouteMetadata>() is not null)
            {
                catchAll = true;
            }
            else if (metadata.GetMetadata<TwirpMethod>() is not null)
            {
                method = true;
            }
        }
        return catchAll && method;
    }

    public IReadOnlyList<PolicyNodeEdge> GetEdges(IReadOnlyList<Endpoint> endpoints)
    {
        var kept = new List<Endpoint>(endpoints.Count);
        for (var i = 0; i < endpoints.Count; i++)
        {
            if (endpoints[i].Metadata.GetMetadata<TwirpBadRouteMetadata>() is null)
            {
                kept.Add(endpoints[i]);
            }
        }
        return [new PolicyNodeEdge(state: this, kept)];
    }

    public PolicyJumpTable BuildJumpTable(int exitDestination, IReadOnlyList<PolicyJumpTableEdge> edges) =>
        new SingleDestination(edges[0].Destination);

    private sealed class SingleDestination(int destination) : PolicyJumpTable
    {
        public override int GetDestination(HttpContext httpContext) => destination;
    }
}

/// <summary>Marks the <c>bad_route</c> catch-all endpoint for <see cref="TwirpBadRouteMatcherPolicy"/>.</summary>
internal sealed class TwirpBadRouteMetadata
{
    public static readonly TwirpBadRouteMetadata Instance = new();
}
