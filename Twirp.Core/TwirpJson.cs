using System;
using System.Buffers;
using System.IO;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Twirp;

/// <summary>
/// How messages are written as JSON. The defaults match Twirp Go: proto field names, and fields with
/// default values written out.
/// </summary>
public sealed class TwirpJsonOptions
{
    private TypeRegistry _typeRegistry = TypeRegistry.Empty;

    /// <summary>
    /// Write proto field names (<c>hat_size</c>) rather than lowerCamelCase (<c>hatSize</c>).
    /// Reading accepts both either way. Default: true.
    /// </summary>
    public bool UseProtoNames { get; set; } = true;

    /// <summary>Write fields that hold their default value. Default: true.</summary>
    public bool EmitDefaultValues { get; set; } = true;

    /// <summary>
    /// The message types a <c>google.protobuf.Any</c> may hold, which JSON writes and reads by name
    /// (<c>"@type"</c>); an <c>Any</c> of a type not listed here fails. Default: empty.
    /// </summary>
    public TypeRegistry TypeRegistry
    {
        get => _typeRegistry;
        set => _typeRegistry = value ?? throw new ArgumentNullException(nameof(value));
    }
}

/// <summary>A protobuf JSON formatter and parser configured for Twirp.</summary>
public sealed class TwirpJsonCodec
{
    /// <summary>The codec for the default <see cref="TwirpJsonOptions"/>.</summary>
    public static TwirpJsonCodec Default { get; } = new(new TwirpJsonOptions());

    /// <summary>Creates a codec for <paramref name="options"/>; the options are read once.</summary>
    public TwirpJsonCodec(TwirpJsonOptions options)
    {
        Formatter = new JsonFormatter(JsonFormatter.Settings.Default
            .WithPreserveProtoFieldNames(options.UseProtoNames)
            .WithFormatDefaultValues(options.EmitDefaultValues)
            .WithTypeRegistry(options.TypeRegistry));
        // Unknown fields are ignored so that older servers accept newer clients' messages.
        Parser = new JsonParser(JsonParser.Settings.Default.WithIgnoreUnknownFields(true).WithTypeRegistry(options.TypeRegistry));
    }

    /// <summary>Writes messages.</summary>
    public JsonFormatter Formatter { get; }

    /// <summary>Reads messages; accepts proto field names and lowerCamelCase names.</summary>
    public JsonParser Parser { get; }

    /// <summary>
    /// Writes <paramref name="message"/> as compact UTF-8 JSON (no spaces between tokens, like Twirp Go)
    /// straight into <paramref name="output"/>, without building a string first.
    /// </summary>
    public void Write(IMessage message, IBufferWriter<byte> output)
    {
        using var writer = new CompactJsonUtf8Writer(output);
        Formatter.Format(message, writer);
        writer.Flush();
    }

    /// <summary>Parses UTF-8 JSON; throws <see cref="InvalidJsonException"/> or <see cref="InvalidProtocolBufferException"/> on bad input.</summary>
    public T Parse<T>(in ReadOnlySequence<byte> utf8Json)
        where T : IMessage, new()
        => Parser.Parse<T>(Encoding.UTF8.GetString(utf8Json));
}

/// <summary>
/// A <see cref="TextWriter"/> that encodes to UTF-8 into a buffer writer and drops the spaces
/// <see cref="JsonFormatter"/> puts between tokens, leaving string contents untouched.
/// </summary>
internal sealed class CompactJsonUtf8Writer(IBufferWriter<byte> output) : TextWriter
{
    private readonly Encoder _encoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetEncoder();
    private bool _inString;
    private bool _escaped;

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

    public override void Write(string? value) => Write(value.AsSpan());

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        var start = 0;
        for (var i = 0; i < buffer.Length; i++)
        {
            var c = buffer[i];
            if (_inString)
            {
                if (_escaped)
                {
                    _escaped = false;
                }
                else if (c == '\\')
                {
                    _escaped = true;
                }
                else if (c == '"')
                {
                    _inString = false;
                }
            }
            else if (c == '"')
            {
                _inString = true;
            }
            else if (c is ' ' or '\n' or '\r' or '\t')
            {
                Encode(buffer.Slice(start, i - start), flush: false);
                start = i + 1;
            }
        }
        Encode(buffer.Slice(start), flush: false);
    }

    public override void Flush() => Encode(ReadOnlySpan<char>.Empty, flush: true);

    private void Encode(ReadOnlySpan<char> chars, bool flush)
    {
        if (chars.IsEmpty && !flush)
        {
            return;
        }
        // The stateful encoder keeps a surrogate pair split across two writes intact.
        _encoder.Convert(chars, output, flush, out _, out _);
    }
}
