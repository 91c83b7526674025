using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Twirp;

/// <summary>Reads and writes the Twirp JSON error body <c>{"code":..,"msg":..,"meta":{..}}</c>.</summary>
public static class TwirpErrorJson
{
    // Relaxed escaping: Go's encoder writes "can't" as is, and the default encoder's "can\u0027t" is
    // needlessly hard to read in logs and curl output. The body is never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes the error body. <c>meta</c> is omitted when empty and no other keys are written, because
    /// Go clients reject unknown top-level keys.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, TwirpErrorCode code, string message, IReadOnlyDictionary<string, string>? meta)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("code", code.ToWireName());
        writer.WriteString("msg", message);
        if (meta is { Count: > 0 })
        {
            writer.WriteStartObject("meta");
            foreach (var pair in meta)
            {
                writer.WriteString(pair.Key, pair.Value);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <summary>Serializes the error body of <paramref name="exception"/>.</summary>
    public static byte[] ToUtf8Bytes(TwirpException exception)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        Write(buffer, exception.Code, exception.Message, exception.Meta);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Parses a Twirp error body. Returns false when <paramref name="utf8Json"/> is not a JSON object with
    /// a string <c>code</c>; <paramref name="codeName"/> is then the raw code, if any, so the caller can
    /// decide how to treat an unknown code.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8Json, out string? codeName, out string message, out Dictionary<string, string> meta)
    {
        codeName = null;
        message = string.Empty;
        meta = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "code" when reader.TokenType == JsonTokenType.String:
                        codeName = reader.GetString();
                        break;
                    case "msg" when reader.TokenType == JsonTokenType.String:
                        message = reader.GetString() ?? string.Empty;
                        break;
                    case "meta" when reader.TokenType == JsonTokenType.StartObject:
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            var key = reader.GetString()!;
                            reader.Read();
                            if (reader.TokenType == JsonTokenType.String)
                            {
                                meta[key] = reader.GetString()!;
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            return codeName is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
