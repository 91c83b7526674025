using System.Collections.Generic;

namespace Twirp;

/// <summary>A Twirp service as the server sees it: its name and its invocable methods.</summary>
public sealed class TwirpServiceDefinition
{
    /// <summary>Creates a definition; emitted by the source generator.</summary>
    public TwirpServiceDefinition(string package, string name, IReadOnlyList<TwirpServerMethod> methods)
    {
        Package = package;
        Name = name;
        FullName = package.Length == 0 ? name : package + "." + name;
        Methods = methods;
    }

    /// <summary>The proto package, empty for a package-less file.</summary>
    public string Package { get; }

    /// <summary>The service name as written in the <c>.proto</c>.</summary>
    public string Name { get; }

    /// <summary><c>package.Service</c>.</summary>
    public string FullName { get; }

    /// <summary>The methods Twirp can serve (streaming methods are never here).</summary>
    public IReadOnlyList<TwirpServerMethod> Methods { get; }
}
