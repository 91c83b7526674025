using System;
using System.Buffers;
using System.Globalization;
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
    /// into <paramref name="output"/>. The formatter writes into a per-thread reused buffer; the spaces
    /// are dropped and the text encoded in one pass, without a string.
    /// </summary>
    public void Write(IMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        var text = JsonTextBuffers.RentWriter();
        try
        {
            Formatter.Format(message, text);
            CompactJson.WriteUtf8(text.GetStringBuilder(), output);
        }
        finally
        {
            JsonTextBuffers.Return(text);
        }
    }

    /// <summary>
    /// Parses UTF-8 JSON; throws <see cref="InvalidJsonException"/> or <see cref="InvalidProtocolBufferException"/>
    /// on bad input. The bytes are decoded once into a pooled buffer the parser reads, not into a string.
    /// </summary>
    public T Parse<T>(in ReadOnlySequence<byte> utf8Json)
        where T : IMessage, new()
    {
        var reader = JsonTextBuffers.RentReader();
        reader.Load(utf8Json);
        return Parse<T>(reader);
    }

    /// <inheritdoc cref="Parse{T}(in ReadOnlySequence{byte})"/>
    public T Parse<T>(ReadOnlySpan<byte> utf8Json)
        where T : IMessage, new()
    {
        var reader = JsonTextBuffers.RentReader();
        reader.Load(utf8Json);
        return Parse<T>(reader);
    }

    private T Parse<T>(PooledCharReader reader)
        where T : IMessage, new()
    {
        try
        {
            return Parser.Parse<T>(reader);
        }
        finally
        {
            JsonTextBuffers.Return(reader);
        }
    }
}

/// <summary>
/// The text buffers the codec lends its formatter and parser, one of each per thread: both run
/// synchronously, and a nested call (none today) would simply get fresh ones.
/// </summary>
internal static class JsonTextBuffers
{
    // Kept between calls only up to this size, so one huge message does not pin its buffer per thread.
    private const int MaxKeptChars = 64 * 1024;

    [ThreadStatic]
    private static StringWriter? t_writer;

    [ThreadStatic]
    private static PooledCharReader? t_reader;

    public static StringWriter RentWriter()
    {
        var writer = t_writer ?? new StringWriter(new StringBuilder(256), CultureInfo.InvariantCulture);
        t_writer = null;
        return writer;
    }

    public static void Return(StringWriter writer)
    {
        var text = writer.GetStringBuilder();
        if (text.Capacity <= MaxKeptChars)
        {
            text.Clear();
            t_writer = writer;
        }
    }

    public static PooledCharReader RentReader()
    {
        var reader = t_reader ?? new PooledCharReader();
        t_reader = null;
        return reader;
    }

    public static void Return(PooledCharReader reader)
    {
        reader.Unload();
        t_reader = reader;
    }
}

/// <summary>
/// Reads text decoded from UTF-8 into a buffer rented from <see cref="ArrayPool{T}"/>: what
/// <see cref="JsonParser"/> reads instead of a string (it reads a character at a time either way).
/// Invalid UTF-8 becomes U+FFFD, as <see cref="Encoding.GetString(byte[])"/> would make it.
/// </summary>
internal sealed class PooledCharReader : TextReader
{
    private char[] _chars = [];
    private int _position;
    private int _length;

    public void Load(in ReadOnlySequence<byte> utf8)
    {
        if (utf8.IsSingleSegment)
        {
            Load(utf8.FirstSpan);
            return;
        }
        // UTF-8 never decodes to more UTF-16 characters than it has bytes.
        _chars = ArrayPool<char>.Shared.Rent(checked((int)utf8.Length));
        _length = Encoding.UTF8.GetChars(utf8, _chars);
        _position = 0;
    }

    public void Load(ReadOnlySpan<byte> utf8)
    {
        _chars = ArrayPool<char>.Shared.Rent(utf8.Length);
        _length = Encoding.UTF8.GetChars(utf8, _chars);
        _position = 0;
    }

    public void Unload()
    {
        var chars = _chars;
        _chars = [];
        _length = 0;
        _position = 0;
        if (chars.Length > 0)
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    public override int Peek() => _position < _length ? _chars[_position] : -1;

    public override int Read() => _position < _length ? _chars[_position++] : -1;

    public override int Read(Span<char> buffer)
    {
        var count = Math.Min(buffer.Length, _length - _position);
        _chars.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override string ReadToEnd()
    {
        var rest = new string(_chars, _position, _length - _position);
        _position = _length;
        return rest;
    }
}

/// <summary>
/// Turns <see cref="JsonFormatter"/>'s text into compact UTF-8: the spaces it puts between tokens are
/// dropped, string contents are kept as they are.
/// </summary>
internal static class CompactJson
{
    public static void WriteUtf8(StringBuilder json, IBufferWriter<byte> output)
    {
        var compact = ArrayPool<char>.Shared.Rent(Math.Max(json.Length, 1));
        try
        {
            var length = 0;
            var inString = false;
            var escaped = false;
            foreach (var chunk in json.GetChunks())
            {
                foreach (var c in chunk.Span)
                {
                    if (inString)
                    {
                        if (escaped)
                        {
                            escaped = false;
                        }
                        else if (c == '\\')
                        {
                            escaped = true;
                        }
                        else if (c == '"')
                        {
                            inString = false;
                        }
                    }
                    else if (c == '"')
                    {
                        inString = true;
                    }
                    else if (c is ' ' or '\n' or '\r' or '\t')
                    {
                        continue;
                    }
                    compact[length++] = c;
                }
            }
            var chars = compact.AsSpan(0, length);
            var bytes = Encoding.UTF8.GetByteCount(chars);
            var written = Encoding.UTF8.GetBytes(chars, output.GetSpan(bytes));
            output.Advance(written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(compact);
        }
    }
}
