using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Twirp;

/// <summary>
/// Reads and writes Connect's unary error body: <c>{"code":..,"message":..,"details":[{"type":..,"value":..}]}</c>,
/// where <c>type</c> is the detail's full message name and <c>value</c> its protobuf bytes in base64.
/// </summary>
public static class ConnectErrorJson
{
    private const string TypeUrlPrefix = "type.googleapis.com/";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes the error body: <paramref name="code"/> as its Connect code (<see cref="ConnectErrorCodes.ToConnectCode"/>);
    /// <c>message</c> and <c>details</c> are omitted when empty, as connect-go omits them. Detail values
    /// are base64 without padding, as Connect's spec asks of writers.
    /// </summary>
    public static void Write(IBufferWriter<byte> output, TwirpErrorCode code, string message, IReadOnlyList<Any>? details)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("code", code.ToConnectCode());
        if (!string.IsNullOrEmpty(message))
        {
            writer.WriteString("message", message);
        }
        if (details is { Count: > 0 })
        {
            writer.WriteStartArray("details");
            foreach (var detail in details)
            {
                writer.WriteStartObject();
                writer.WriteString("type", TypeName(detail.TypeUrl));
                writer.WriteString("value", ConnectProtocol.EncodeBase64(detail.Value.Span));
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    /// <summary>Serializes the Connect error body of <paramref name="exception"/>.</summary>
    public static byte[] ToUtf8Bytes(TwirpException exception)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        Write(buffer, exception.Code, exception.Message, exception.Details);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Parses a Connect error body. Returns false when <paramref name="utf8Json"/> is not a JSON object
    /// with a string <c>code</c>; <paramref name="connectCode"/> is the raw code (read it with
    /// <see cref="ConnectErrorCodes.TryParse"/>). Unknown keys (<c>debug</c>, future ones) are skipped, a
    /// missing <c>message</c> is empty, and a detail without a <c>type</c> or with a value that is not
    /// base64 (padded or not) is dropped rather than failing the whole error.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8Json, out string? connectCode, out string message, out List<Any> details)
    {
        connectCode = null;
        message = string.Empty;
        details = new List<Any>();
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
                        connectCode = reader.GetString();
                        break;
                    case "message" when reader.TokenType == JsonTokenType.String:
                        message = reader.GetString() ?? string.Empty;
                        break;
                    case "details" when reader.TokenType == JsonTokenType.StartArray:
                        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            if (ReadDetail(ref reader) is { } detail)
                            {
                                details.Add(detail);
                            }
                        }
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            return connectCode is not null;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The full message name Connect writes as a detail's <c>type</c>: the type URL after its last <c>/</c>.</summary>
    private static string TypeName(string typeUrl) => typeUrl.Substring(typeUrl.LastIndexOf('/') + 1);

    private static Any? ReadDetail(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }
        string? type = null;
        string? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "type" when reader.TokenType == JsonTokenType.String:
                    type = reader.GetString();
                    break;
                case "value" when reader.TokenType == JsonTokenType.String:
                    value = reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (string.IsNullOrEmpty(type) || !ConnectProtocol.TryDecodeBase64(value ?? string.Empty, out var bytes))
        {
            return null;
        }
        return new Any { TypeUrl = TypeUrlPrefix + type, Value = ByteString.CopyFrom(bytes) };
    }
}
