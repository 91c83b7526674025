using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Twirp;

/// <summary>A response body read into a pooled buffer; dispose it to return the buffer.</summary>
internal readonly struct TwirpResponseBody : IDisposable
{
    private readonly byte[] _buffer;

    private TwirpResponseBody(byte[] buffer, int length, bool truncated)
    {
        _buffer = buffer;
        Length = length;
        Truncated = truncated;
    }

    public int Length { get; }

    /// <summary>The body was longer than the limit and only its first <see cref="Length"/> bytes were kept.</summary>
    public bool Truncated { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    /// <summary>
    /// Reads the whole body, up to <paramref name="limit"/> bytes, gunzipping it when its
    /// <c>Content-Encoding</c> is <c>gzip</c> (the limit is on the decompressed size, so a gzip bomb is
    /// never inflated past it). Past the limit it throws a <c>resource_exhausted</c>
    /// <see cref="TwirpException"/>, or, with <paramref name="truncate"/>, stops and keeps what it read
    /// (for error bodies, which are only shown).
    /// </summary>
    public static Task<TwirpResponseBody> ReadAsync(HttpContent content, long? limit, bool truncate, CancellationToken cancellationToken)
    {
        var gzip = false;
        if (content.Headers.ContentEncoding.Count != 0)
        {
            if (TryReadCompression(content.Headers.ContentEncoding, out var compression))
            {
                gzip = compression == TwirpCompression.Gzip;
            }
            else if (!truncate)
            {
                throw new TwirpException(TwirpErrorCode.Internal,
                    $"the response body is encoded with '{string.Join(", ", content.Headers.ContentEncoding)}', which the client cannot decode (it reads gzip and identity)");
            }
        }
        return ReadBodyAsync(content, gzip, limit, truncate, cancellationToken);
    }

    /// <summary>Reads a <c>Content-Encoding</c> header's codings: <c>gzip</c>, <c>identity</c>, or none.</summary>
    private static bool TryReadCompression(ICollection<string> contentEncoding, out TwirpCompression compression)
    {
        compression = TwirpCompression.Identity;
        foreach (var coding in contentEncoding)
        {
            if (string.Equals(coding, "gzip", StringComparison.OrdinalIgnoreCase) && compression == TwirpCompression.Identity)
            {
                compression = TwirpCompression.Gzip;
            }
            else if (!string.Equals(coding, "identity", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        return true;
    }

    private static async Task<TwirpResponseBody> ReadBodyAsync(HttpContent content, bool gzip, long? limit, bool truncate, CancellationToken cancellationToken)
    {
        // A compressed body's length says nothing about the size it inflates to.
        var declared = gzip ? null : content.Headers.ContentLength;
        if (declared > limit && !truncate)
        {
            throw TooLarge(limit.Value);
        }
        var max = (int)Math.Min(limit ?? int.MaxValue, int.MaxValue);
        var buffer = ArrayPool<byte>.Shared.Rent(declared is { } known ? (int)Math.Min(Math.Max(known, 1), max) : Math.Min(4096, Math.Max(max, 1)));
        var length = 0;
        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            if (gzip)
            {
                stream = new GZipStream(stream, CompressionMode.Decompress);
            }
            await using (stream.ConfigureAwait(false))
            {
                while (length != declared)
                {
                    // Rented arrays can be longer than asked for; never read past the limit.
                    var capacity = Math.Min(buffer.Length, max);
                    if (length == capacity)
                    {
                        if (length == max)
                        {
                            // Full at the limit: one more byte means the body is too large.
                            var probe = new byte[1];
                            if (await stream.ReadAsync(probe, cancellationToken).ConfigureAwait(false) == 0)
                            {
                                break;
                            }
                            if (truncate)
                            {
                                return new TwirpResponseBody(buffer, length, truncated: true);
                            }
                            throw TooLarge(limit!.Value);
                        }
                        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, max));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                        continue;
                    }
                    int read;
                    try
                    {
                        read = await stream.ReadAsync(buffer.AsMemory(length, capacity - length), cancellationToken).ConfigureAwait(false);
                    }
                    catch (InvalidDataException exception) when (gzip)
                    {
                        if (truncate)
                        {
                            // An error body is only shown: keep what did inflate.
                            return new TwirpResponseBody(buffer, length, truncated: true);
                        }
                        throw new TwirpException(TwirpErrorCode.Internal, "the response body says Content-Encoding: gzip but is not valid gzip", meta: null, exception);
                    }
                    if (read == 0)
                    {
                        break;
                    }
                    length += read;
                }
            }
            return new TwirpResponseBody(buffer, length, truncated: false);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static TwirpException TooLarge(long limit) =>
        new(TwirpErrorCode.ResourceExhausted, $"the response body is larger than the client's limit of {limit} bytes (TwirpClientOptions.MaxResponseBodySize)");
}
