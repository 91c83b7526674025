using System;
using System.Net.Http;
using System.Threading.Tasks;

namespace Twirp;

/// <summary>
/// Callbacks at the points of one HTTP exchange, like Twirp Go's <c>ClientHooks</c> and the server's
/// <c>TwirpHooks</c>. Add them to <see cref="TwirpClientOptions.Hooks"/>; they run in the order added,
/// inside the interceptors, once per HTTP request. An exception thrown by a hook fails the call with
/// that exception.
/// </summary>
/// <remarks>
/// Order for one call: <see cref="RequestPrepared"/>, then either <see cref="ResponseReceived"/> or
/// <see cref="Error"/>. Every failure that ends as a <see cref="TwirpException"/> (network failures and
/// cut-off bodies included) reaches <see cref="Error"/>; the caller's cancellation stays an
/// <see cref="OperationCanceledException"/> and reaches no hook after <see cref="RequestPrepared"/>.
/// </remarks>
public sealed class TwirpClientHooks
{
    /// <summary>
    /// The request is ready to send: body, content type and headers are set. Headers and request options
    /// can still be changed.
    /// </summary>
    public Func<TwirpClientCallContext, HttpRequestMessage, ValueTask>? RequestPrepared { get; set; }

    /// <summary>A 200 response was received and its message decoded; the response's headers can be read.</summary>
    public Func<TwirpClientCallContext, HttpResponseMessage, ValueTask>? ResponseReceived { get; set; }

    /// <summary>
    /// The call is about to throw this <see cref="TwirpException"/>: a non-200 response, a server that
    /// could not be reached, or a body that could not be read or decoded.
    /// </summary>
    public Func<TwirpClientCallContext, TwirpException, ValueTask>? Error { get; set; }
}
