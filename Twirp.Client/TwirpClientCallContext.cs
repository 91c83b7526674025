using System;
using System.Collections.Generic;
using System.Threading;

namespace Twirp;

/// <summary>One typed call as interceptors and hooks see it. Cheap to construct in tests.</summary>
public sealed class TwirpClientCallContext
{
    private Dictionary<string, string>? _requestHeaders;
    private TimeSpan? _timeout;

    /// <summary>Creates the context of a call to <paramref name="method"/>.</summary>
    public TwirpClientCallContext(TwirpMethod method, TwirpEncoding encoding = TwirpEncoding.Protobuf, CancellationToken cancellationToken = default)
    {
        Method = method ?? throw new ArgumentNullException(nameof(method));
        Encoding = encoding;
        CancellationToken = cancellationToken;
    }

    /// <summary>The method called: names and message types.</summary>
    public TwirpMethod Method { get; }

    /// <summary>The encoding of the request and response.</summary>
    public TwirpEncoding Encoding { get; }

    /// <summary>The wire protocol of the call (<see cref="TwirpClientOptions.Protocol"/>).</summary>
    public TwirpProtocol Protocol { get; init; }

    /// <summary>
    /// The call's timeout (<see cref="TwirpCallOptions.Timeout"/>, else <see cref="TwirpClientOptions.Timeout"/>),
    /// null for none. An interceptor may change it; it is read when the request is sent.
    /// </summary>
    public TimeSpan? Timeout
    {
        get => _timeout;
        set => _timeout = TwirpCallOptions.ValidTimeout(value);
    }

    /// <summary>The call's cancellation token; an interceptor may replace it, e.g. with a linked timeout.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Headers added to the HTTP request: the call options' headers, plus any an interceptor adds.</summary>
    public IDictionary<string, string> RequestHeaders => _requestHeaders ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    internal Dictionary<string, string>? RequestHeadersOrNull => _requestHeaders;

    internal void CopyHeaders(Dictionary<string, string> headers)
    {
        var target = (Dictionary<string, string>)RequestHeaders;
        foreach (var pair in headers)
        {
            target[pair.Key] = pair.Value;
        }
    }
}
