using System;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>
/// Binary metadata as gRPC and Connect carry it: a header whose name ends in <c>-bin</c> holds base64
/// (written without padding; read padded or not, in either alphabet).
/// </summary>
public static class TwirpBinaryHeaders
{
    /// <summary>The bytes of the binary header <paramref name="name"/> (its first value), or null when absent or not base64.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> does not end in <c>-bin</c>.</exception>
    public static byte[]? GetBinaryValue(this IHeaderDictionary headers, string name)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ThrowIfNotBinary(name);
        var values = headers[name];
        return values.Count > 0 && ConnectProtocol.TryDecodeBase64(values[0] ?? string.Empty, out var bytes) ? bytes : null;
    }

    /// <summary>Sets the binary header <paramref name="name"/> to <paramref name="value"/>, base64-encoded.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> does not end in <c>-bin</c>.</exception>
    public static void SetBinaryValue(this IHeaderDictionary headers, string name, ReadOnlySpan<byte> value)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ThrowIfNotBinary(name);
        headers[name] = ConnectProtocol.EncodeBase64(value);
    }

    private static void ThrowIfNotBinary(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!name.EndsWith(ConnectProtocol.BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Binary metadata names end in \"{ConnectProtocol.BinaryHeaderSuffix}\": \"{name}\" does not.", nameof(name));
        }
    }
}
