namespace Twirp;

/// <summary>
/// A method's <c>option idempotency_level</c> from the <c>.proto</c>. Connect serves and sends
/// <see cref="NoSideEffects"/> methods over <c>GET</c> when asked; Twirp ignores it.
/// </summary>
public enum TwirpIdempotency
{
    /// <summary>No option, or <c>IDEMPOTENCY_UNKNOWN</c>: the method may have side effects.</summary>
    Unknown,
    /// <summary><c>NO_SIDE_EFFECTS</c>: calling it changes nothing, so it may be a cacheable <c>GET</c>.</summary>
    NoSideEffects,
    /// <summary><c>IDEMPOTENT</c>: calling it twice has the effect of calling it once.</summary>
    Idempotent,
}
