using System;
using System.Net.Http;

namespace Twirp;

/// <summary>
/// Callbacks at the points of one HTTP exchange, the counterpart of Twirp Go's <c>ClientHooks</c>.
/// They run inside the interceptors, once per HTTP request, synchronously; an exception thrown by a
/// hook fails the call with that exception. Delegates combine with <c>+=</c>.
/// </summary>
public sealed class TwirpClientHooks
{
    /// <summary>
    /// Called when the request is ready to send: body, content type and headers are set. May add
    /// headers or options to the request.
    /// </summary>
    public Action<TwirpClientCallContext, HttpRequestMessage>? RequestPrepared { get; set; }

    /// <summary>Called after a 200 response was received and its message decoded.</summary>
    public Action<TwirpClientCallContext, HttpResponseMessage>? ResponseReceived { get; set; }

    /// <summary>
    /// Called with the <see cref="TwirpException"/> a call is about to throw: a non-200 response or an
    /// undecodable body. Network failures and cancellation are .NET exceptions and do not reach it.
    /// </summary>
    public Action<TwirpClientCallContext, TwirpException>? Error { get; set; }
}
