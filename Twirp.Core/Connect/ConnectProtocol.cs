using System;

namespace Twirp;

/// <summary>
/// Connect's unary wire constants: content types, headers and the query parameters of a <c>GET</c>
/// call, and how a Content-Type names an encoding.
/// </summary>
public static class ConnectProtocol
{
    /// <summary>Binary protobuf. (Twirp's is <c>application/protobuf</c>.)</summary>
    public const string ProtoContentType = "application/proto";

    /// <summary>Protobuf's JSON mapping; Connect's only when <see cref="ProtocolVersionHeader"/> says so (else it is Twirp's).</summary>
    public const string JsonContentType = "application/json";

    /// <summary>The header naming the Connect protocol version; a Connect client always sends it.</summary>
    public const string ProtocolVersionHeader = "Connect-Protocol-Version";

    /// <summary>The only protocol version: <c>1</c>.</summary>
    public const string ProtocolVersion = "1";

    /// <summary>The call's timeout in milliseconds, at most 10 digits.</summary>
    public const string TimeoutHeader = "Connect-Timeout-Ms";

    /// <summary>A unary response's trailers travel as headers with this prefix (<c>Trailer-Foo</c>).</summary>
    public const string TrailerPrefix = "Trailer-";

    /// <summary>The compression of a unary body: the standard <c>Content-Encoding</c> header.</summary>
    public const string ContentEncodingHeader = "Content-Encoding";

    /// <summary>The compressions a unary caller accepts: the standard <c>Accept-Encoding</c> header.</summary>
    public const string AcceptEncodingHeader = "Accept-Encoding";

    /// <summary>Streaming calls' compression header; a unary server never reads it but lists it for CORS.</summary>
    public const string StreamingContentEncodingHeader = "Connect-Content-Encoding";

    /// <summary>Streaming calls' accepted compressions; listed for CORS.</summary>
    public const string StreamingAcceptEncodingHeader = "Connect-Accept-Encoding";

    /// <summary>Metadata whose name ends with this suffix holds binary values, base64-encoded.</summary>
    public const string BinaryHeaderSuffix = "-bin";

    /// <summary>GET query parameter: the request message, URL-safe base64 when <see cref="Base64Query"/> is <c>1</c>, else the percent-encoded bytes.</summary>
    public const string MessageQuery = "message";

    /// <summary>GET query parameter: the codec, <c>proto</c> or <c>json</c>.</summary>
    public const string EncodingQuery = "encoding";

    /// <summary>GET query parameter: <c>1</c> when <see cref="MessageQuery"/> is base64.</summary>
    public const string Base64Query = "base64";

    /// <summary>GET query parameter: the compression of the message, e.g. <c>gzip</c>.</summary>
    public const string CompressionQuery = "compression";

    /// <summary>GET query parameter: <c>v1</c>, the protocol version a GET carries instead of a header.</summary>
    public const string ConnectQuery = "connect";

    /// <summary>The value of <see cref="ConnectQuery"/>.</summary>
    public const string ConnectQueryValue = "v1";

    /// <summary>Content type of a unary message in <paramref name="encoding"/>.</summary>
    public static string ContentTypeFor(TwirpEncoding encoding) => encoding == TwirpEncoding.Json ? JsonContentType : ProtoContentType;

    /// <summary>The codec name of <paramref name="encoding"/> (the GET <c>encoding</c> parameter): <c>proto</c> or <c>json</c>.</summary>
    public static string CodecNameFor(TwirpEncoding encoding) => encoding == TwirpEncoding.Json ? "json" : "proto";

    /// <summary>Reads a codec name (<c>proto</c> or <c>json</c>, as in the GET <c>encoding</c> parameter).</summary>
    public static bool TryParseCodecName(string? codecName, out TwirpEncoding encoding)
    {
        encoding = TwirpEncoding.Protobuf;
        if (string.Equals(codecName, "proto", StringComparison.Ordinal))
        {
            return true;
        }
        if (string.Equals(codecName, "json", StringComparison.Ordinal))
        {
            encoding = TwirpEncoding.Json;
            return true;
        }
        return false;
    }

    /// <summary>
    /// Reads a unary Content-Type: <c>application/proto</c> or <c>application/json</c>, the media type
    /// compared case-insensitively, parameters (<c>; charset=utf-8</c>) ignored.
    /// </summary>
    public static bool TryParseContentType(string? contentType, out TwirpEncoding encoding)
    {
        encoding = TwirpEncoding.Protobuf;
        var mediaType = TwirpContentTypes.MediaType(contentType);
        if (mediaType.Equals(ProtoContentType.AsSpan(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (mediaType.Equals(JsonContentType.AsSpan(), StringComparison.OrdinalIgnoreCase))
        {
            encoding = TwirpEncoding.Json;
            return true;
        }
        return false;
    }

    /// <summary>
    /// Base64 as Connect writes it (binary <c>-bin</c> metadata, error detail values): the standard
    /// alphabet without padding.
    /// </summary>
    public static string EncodeBase64(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    /// <summary>
    /// Reads base64 as Connect allows it: the standard or URL-safe alphabet, padded or not (writers
    /// omit padding, readers must accept both).
    /// </summary>
    public static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        var unpadded = text.AsSpan().TrimEnd('=');
        var chars = new char[unpadded.Length + 3];
        var length = 0;
        foreach (var c in unpadded)
        {
            chars[length++] = c switch { '-' => '+', '_' => '/', _ => c };
        }
        while (length % 4 != 0)
        {
            chars[length++] = '=';
        }
        bytes = new byte[length / 4 * 3];
        if (Convert.TryFromBase64Chars(chars.AsSpan(0, length), bytes, out var written))
        {
            bytes = bytes.AsSpan(0, written).ToArray();
            return true;
        }
        bytes = [];
        return false;
    }
}
