using System;

namespace Twirp;

/// <summary>Reads one parameter of a raw query string as the bytes it encodes.</summary>
internal static class ConnectQueryMessage
{
    /// <summary>
    /// The bytes of the first <paramref name="name"/> parameter of <paramref name="rawQuery"/> (with or
    /// without its leading <c>?</c>): <c>%XX</c> is one byte and <c>+</c> a space, as form encoding has
    /// it; empty when the parameter is absent. Unlike <c>HttpRequest.Query</c> it never decodes the
    /// bytes as UTF-8, so a percent-encoded binary message survives.
    /// </summary>
    public static byte[] Decode(string? rawQuery, string name)
    {
        var query = rawQuery.AsSpan();
        if (query.StartsWith("?"))
        {
            query = query.Slice(1);
        }
        while (!query.IsEmpty)
        {
            var ampersand = query.IndexOf('&');
            var pair = ampersand < 0 ? query : query.Slice(0, ampersand);
            query = ampersand < 0 ? ReadOnlySpan<char>.Empty : query.Slice(ampersand + 1);
            var equals = pair.IndexOf('=');
            var key = equals < 0 ? pair : pair.Slice(0, equals);
            if (key.SequenceEqual(name.AsSpan()))
            {
                return equals < 0 ? [] : PercentDecode(pair.Slice(equals + 1));
            }
        }
        return [];
    }

    private static byte[] PercentDecode(ReadOnlySpan<char> value)
    {
        // Each character gives at most one byte, but a stray non-ASCII one (not valid in a URL, taken
        // as its UTF-8 bytes) up to three.
        var bytes = new byte[value.Length * 3];
        var length = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                bytes[length++] = (byte)((HexValue(value[i + 1]) << 4) | HexValue(value[i + 2]));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes[length++] = c == '+' ? (byte)' ' : (byte)c;
            }
            else
            {
                var count = char.IsHighSurrogate(c) && i + 1 < value.Length ? 2 : 1;
                length += System.Text.Encoding.UTF8.GetBytes(value.Slice(i, count), bytes.AsSpan(length));
                i += count - 1;
            }
        }
        return bytes.AsSpan(0, length).ToArray();
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
