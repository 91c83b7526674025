using System;
using System.Buffers;
using System.IO;
using System.IO.Compression;
using System.IO.Pipelines;
using Microsoft.Extensions.Primitives;

namespace Twirp;

/// <summary>
/// The body compressions the server speaks, <c>gzip</c> and <c>identity</c>: reading their names,
/// inflating a request under the body size limit, deflating a response.
/// </summary>
internal static class HttpCompression
{
    public const string Gzip = "gzip";
    public const string Identity = "identity";

    /// <summary>What an error about an unknown compression lists, and a Connect answer's <c>Accept-Encoding</c>.</summary>
    public const string SupportedNames = "gzip, identity";

    // Inflated a chunk at a time, so a bomb costs at most the limit plus one chunk.
    private const int InflateChunkSize = 16 * 1024;

    /// <summary>Reads a body's compression: none (empty), <c>identity</c> or <c>gzip</c>, names compared ignoring case.</summary>
    public static bool TryParse(StringValues name, out bool gzip)
    {
        gzip = false;
        if (name.Count > 1)
        {
            return false;
        }
        var value = ((string?)name).AsSpan().Trim();
        if (value.IsEmpty || value.Equals(Identity, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        gzip = value.Equals(Gzip, StringComparison.OrdinalIgnoreCase);
        return gzip;
    }

    /// <summary>Whether an <c>Accept-Encoding</c> list names <c>gzip</c> (or <c>*</c>) without <c>q=0</c>.</summary>
    public static bool AcceptsGzip(StringValues acceptEncoding)
    {
        foreach (var header in acceptEncoding)
        {
            var rest = header.AsSpan();
            while (!rest.IsEmpty)
            {
                var comma = rest.IndexOf(',');
                var item = (comma < 0 ? rest : rest.Slice(0, comma)).Trim();
                rest = comma < 0 ? ReadOnlySpan<char>.Empty : rest.Slice(comma + 1);
                var semicolon = item.IndexOf(';');
                var coding = (semicolon < 0 ? item : item.Slice(0, semicolon)).Trim();
                if (coding.Equals(Gzip, StringComparison.OrdinalIgnoreCase) || coding.SequenceEqual("*"))
                {
                    if (semicolon < 0 || !IsZeroQuality(item.Slice(semicolon + 1)))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /// <summary>
    /// Inflates gzip <paramref name="compressed"/> into a pooled buffer (the caller disposes it). Throws
    /// <paramref name="refuse"/>'s error as soon as the output passes <paramref name="maxSize"/>, and
    /// <c>malformed</c> when the bytes are not gzip.
    /// </summary>
    public static PooledBufferWriter Inflate(ReadOnlySequence<byte> compressed, long? maxSize, Func<long, TwirpException> refuse)
    {
        var limit = maxSize ?? int.MaxValue;
        var output = new PooledBufferWriter((int)Math.Min(Math.Max(compressed.Length * 4, 256), Math.Min(limit + 1, InflateChunkSize)));
        try
        {
            using var gzip = new GZipStream(PipeReader.Create(compressed).AsStream(), CompressionMode.Decompress);
            while (true)
            {
                // One byte past the limit is enough to know it was passed.
                var room = (int)Math.Min(InflateChunkSize, limit + 1 - output.WrittenCount);
                var read = gzip.Read(output.GetSpan(room).Slice(0, room));
                if (read == 0)
                {
                    return output;
                }
                output.Advance(read);
                if (output.WrittenCount > limit)
                {
                    throw refuse(limit);
                }
            }
        }
        catch (InvalidDataException exception)
        {
            output.Dispose();
            throw TwirpException.Malformed("the request body is not valid gzip", exception);
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>Gzips <paramref name="input"/> into <paramref name="output"/>.</summary>
    public static void Deflate(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        using var gzip = new GZipStream(new BufferWriterStream(output), CompressionLevel.Fastest);
        gzip.Write(input);
    }

    private static bool IsZeroQuality(ReadOnlySpan<char> parameters)
    {
        var q = parameters.Trim();
        if (!q.StartsWith("q=", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return double.TryParse(q.Slice(2).Trim(), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var quality)
            && quality == 0;
    }

    /// <summary>A write-only stream into a buffer writer, for <see cref="GZipStream"/>.</summary>
    private sealed class BufferWriterStream(IBufferWriter<byte> output) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            buffer.CopyTo(output.GetSpan(buffer.Length));
            output.Advance(buffer.Length);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
