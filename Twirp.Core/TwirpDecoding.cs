using System;
using Google.Protobuf;

namespace Twirp;

/// <summary>
/// What counts as a message that could not be decoded, so that the server (answering <c>malformed</c>)
/// and the client (reporting <c>internal</c>, as Twirp Go does) draw the line in the same place.
/// </summary>
public static class TwirpDecoding
{
    /// <summary>
    /// Whether <paramref name="exception"/>, thrown while parsing a protobuf or JSON message, means the
    /// bytes were not a valid message: Google.Protobuf's parse exceptions and the
    /// <see cref="FormatException"/> and <see cref="ArgumentException"/> its parsers also throw for
    /// values they cannot read. Anything else (cancellation, a bug) is not a decode failure.
    /// </summary>
    public static bool IsFailure(Exception exception) =>
        exception is InvalidProtocolBufferException or InvalidJsonException or FormatException or ArgumentException;
}
