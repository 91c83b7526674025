using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Twirp.SourceGen.Model;

/// <summary>A diagnostic as data: the descriptor's ID and message arguments, and where it points.</summary>
/// <param name="AdditionalLocations">Other places the diagnostic is about, such as the other side of a clash.</param>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<LocationInfo> AdditionalLocations,
    EquatableArray<string> MessageArgs)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] messageArgs) =>
        new(descriptor, location, EquatableArray<LocationInfo>.Empty, messageArgs.ToEquatableArray());

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, IEnumerable<LocationInfo> additionalLocations,
        params string[] messageArgs) =>
        new(descriptor, location, additionalLocations.ToEquatableArray(), messageArgs.ToEquatableArray());

    public Diagnostic ToDiagnostic()
    {
        var additional = new List<Location>(AdditionalLocations.Count);
        foreach (var location in AdditionalLocations)
        {
            additional.Add(location.ToLocation());
        }
        return Diagnostic.Create(Descriptor, Location?.ToLocation(), additional, System.Linq.Enumerable.ToArray<object?>(MessageArgs));
    }
}
