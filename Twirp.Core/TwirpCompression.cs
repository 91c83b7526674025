namespace Twirp;

/// <summary>A compression of request or response bodies, named on the wire by <c>Content-Encoding</c>.</summary>
public enum TwirpCompression
{
    /// <summary>No compression: <c>identity</c>.</summary>
    Identity,
    /// <summary><c>gzip</c> (RFC 1952), the one compression every Connect implementation supports.</summary>
    Gzip,
}
