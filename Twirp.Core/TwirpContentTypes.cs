using System;

namespace Twirp;

/// <summary>The two Twirp encodings and their content types.</summary>
public enum TwirpEncoding
{
    /// <summary><c>application/protobuf</c>.</summary>
    Protobuf,
    /// <summary><c>application/json</c>.</summary>
    Json,
}

/// <summary>Content types of the Twirp protocol.</summary>
public static class TwirpContentTypes
{
    /// <summary>Binary protobuf.</summary>
    public const string Protobuf = "application/protobuf";

    /// <summary>Protobuf's canonical JSON mapping.</summary>
    public const string Json = "application/json";

    /// <summary>The content type that carries <paramref name="encoding"/>.</summary>
    public static string For(TwirpEncoding encoding) => encoding == TwirpEncoding.Json ? Json : Protobuf;

    /// <summary>
    /// Reads a Content-Type header: the media type is compared case-insensitively and its parameters
    /// (e.g. <c>; charset=utf-8</c>) are ignored.
    /// </summary>
    public static bool TryParse(string? contentType, out TwirpEncoding encoding)
    {
        encoding = TwirpEncoding.Protobuf;
        var mediaType = MediaType(contentType);
        if (mediaType.Equals(Protobuf.AsSpan(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (mediaType.Equals(Json.AsSpan(), StringComparison.OrdinalIgnoreCase))
        {
            encoding = TwirpEncoding.Json;
            return true;
        }
        return false;
    }

    /// <summary>The media type of a Content-Type header: its parameters and surrounding white space cut off.</summary>
    internal static ReadOnlySpan<char> MediaType(string? contentType)
    {
        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0)
        {
            mediaType = mediaType.Slice(0, semicolon);
        }
        return mediaType.Trim();
    }
}
