namespace Twirp;

/// <summary>
/// Implemented by every generated service base class. Gives <c>MapTwirp&lt;T&gt;()</c> the service's
/// methods without reflection.
/// </summary>
public interface ITwirpService
{
    /// <summary>The service's methods and how to invoke them.</summary>
    static abstract TwirpServiceDefinition Definition { get; }
}
