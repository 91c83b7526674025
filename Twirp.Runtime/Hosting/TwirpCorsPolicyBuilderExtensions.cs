using System;
using System.Collections.Generic;
using Twirp;

namespace Microsoft.AspNetCore.Cors.Infrastructure;

/// <summary>CORS for browser clients of Twirp and Connect endpoints.</summary>
public static class TwirpCorsPolicyBuilderExtensions
{
    // What browser clients send: Twirp's and Connect's content types and Connect's own headers
    // (Accept-Encoding is the browser's own, never listed).
    private static readonly string[] RequestHeaders =
    [
        "Content-Type",
        ConnectProtocol.ContentEncodingHeader,
        ConnectProtocol.ProtocolVersionHeader,
        ConnectProtocol.TimeoutHeader,
        ConnectProtocol.StreamingContentEncodingHeader,
        ConnectProtocol.StreamingAcceptEncodingHeader,
        "X-User-Agent",
    ];

    // What they read beyond the CORS-safelisted response headers.
    private static readonly string[] ResponseHeaders =
    [
        ConnectProtocol.ContentEncodingHeader,
        ConnectProtocol.StreamingContentEncodingHeader,
        ConnectProtocol.StreamingAcceptEncodingHeader,
        ConnectProtocol.AcceptEncodingHeader,
    ];

    /// <summary>
    /// Allows <c>POST</c> and <c>GET</c> (Connect's calls of methods without side effects) with the
    /// headers Twirp and Connect browser clients send (<c>Content-Type</c>, <c>Content-Encoding</c>,
    /// <c>Connect-Protocol-Version</c>, <c>Connect-Timeout-Ms</c>, <c>Connect-Content-Encoding</c>,
    /// <c>Connect-Accept-Encoding</c>, <c>X-User-Agent</c>), and exposes those they read
    /// (<c>Content-Encoding</c>, <c>Connect-Content-Encoding</c>, <c>Connect-Accept-Encoding</c>,
    /// <c>Accept-Encoding</c>). Each name in <paramref name="metadata"/> (your services' own headers and
    /// trailers, e.g. <c>X-Request-Id</c>) is allowed on requests and exposed on responses, as a header
    /// and as the <c>Trailer-</c> header Connect sends a trailer as. Origins and credentials stay yours to set.
    /// </summary>
    /// <param name="builder">The policy being built.</param>
    /// <param name="metadata">Header and trailer names your services and their callers exchange.</param>
    /// <returns>The same builder.</returns>
    public static CorsPolicyBuilder WithTwirpAndConnectHeaders(this CorsPolicyBuilder builder, params string[] metadata)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(metadata);
        var exposed = new List<string>(ResponseHeaders.Length + 2 * metadata.Length);
        exposed.AddRange(ResponseHeaders);
        foreach (var name in metadata)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(metadata));
            exposed.Add(name);
            exposed.Add(ConnectProtocol.TrailerPrefix + name);
        }
        return builder
            .WithMethods("POST", "GET")
            .WithHeaders([.. RequestHeaders, .. metadata])
            .WithExposedHeaders([.. exposed]);
    }
}
