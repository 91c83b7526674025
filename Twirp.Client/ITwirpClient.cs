using System.Collections.Generic;
using System.Net.Http;

namespace Twirp;

/// <summary>
/// Implemented by every generated client, so that <c>AddTwirpClient&lt;TClient&gt;()</c> and other
/// generic tooling can name, describe and create it without reflection.
/// </summary>
/// <typeparam name="TSelf">The generated client.</typeparam>
public interface ITwirpClient<TSelf>
    where TSelf : TwirpClient, ITwirpClient<TSelf>
{
    /// <summary>The service name as written in the <c>.proto</c>, e.g. <c>Haberdasher</c>; the configuration key.</summary>
    static abstract string ServiceName { get; }

    /// <summary><c>package.Service</c>: the route of the service and the client's <c>HttpClient</c> name.</summary>
    static abstract string ServiceFullName { get; }

    /// <summary>The service's methods: full names, request and response types.</summary>
    static abstract IReadOnlyList<TwirpMethod> Methods { get; }

    /// <summary>Creates a client that sends its calls through <paramref name="httpClient"/>.</summary>
    static abstract TSelf Create(HttpClient httpClient, TwirpClientOptions options);
}
