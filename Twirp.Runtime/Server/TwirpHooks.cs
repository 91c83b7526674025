using System;
using System.Threading.Tasks;

namespace Twirp;

/// <summary>
/// Callbacks at the milestones of every call, like Twirp Go's <c>ServerHooks</c>. Add them to
/// <see cref="TwirpOptions.Hooks"/> (every service) or <see cref="TwirpServiceOptions.Hooks"/> (one
/// service); global hooks run before per-service hooks, each list in the order added.
/// </summary>
/// <remarks>
/// Order for one call: <see cref="RequestReceived"/>, <see cref="RequestRouted"/>, then either
/// <see cref="ResponsePrepared"/> or <see cref="Error"/>, and always <see cref="ResponseSent"/> last.
/// A <see cref="TwirpException"/> thrown by <see cref="RequestReceived"/> or <see cref="RequestRouted"/>
/// rejects the call with that error. A bad route naming a mapped service but none of its methods (as Twirp
/// Go) runs <see cref="RequestReceived"/>, <see cref="Error"/> and <see cref="ResponseSent"/> of that
/// service, with <see cref="TwirpContext.Method"/> null. Every hook gets the same <see cref="TwirpContext"/>; keep
/// per-call data (timings) in <see cref="TwirpContext.Items"/>.
/// </remarks>
public sealed class TwirpHooks
{
    /// <summary>
    /// The request arrived, before it is checked (HTTP method, Content-Type) and before its body is read.
    /// Throw a <see cref="TwirpException"/> to reject it.
    /// </summary>
    public Func<TwirpContext, ValueTask>? RequestReceived { get; set; }

    /// <summary>
    /// The request is a valid call of <see cref="TwirpContext.Method"/> in
    /// <see cref="TwirpContext.Encoding"/>; its body is not read yet. Throw a <see cref="TwirpException"/> to reject it.
    /// </summary>
    public Func<TwirpContext, ValueTask>? RequestRouted { get; set; }

    /// <summary>
    /// The handler answered, the response is serialized and its status and headers are set but not sent;
    /// headers can still be added.
    /// </summary>
    public Func<TwirpContext, ValueTask>? ResponsePrepared { get; set; }

    /// <summary>The call is answered with an error (<see cref="TwirpContext.Error"/>); called before the error is written.</summary>
    public Func<TwirpContext, TwirpException, ValueTask>? Error { get; set; }

    /// <summary>The response (success or error) was written, or the client is gone. Always called, always last.</summary>
    public Func<TwirpContext, ValueTask>? ResponseSent { get; set; }
}
