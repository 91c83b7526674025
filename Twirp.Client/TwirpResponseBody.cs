using System;
using System.Buffers;
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
    /// Reads the whole body, up to <paramref name="limit"/> bytes. Past the limit it throws a
    /// <c>resource_exhausted</c> <see cref="TwirpException"/>, or, with <paramref name="truncate"/>, stops
    /// and keeps what it read (for error bodies, which are only shown).
    /// </summary>
    public static async Task<TwirpResponseBody> ReadAsync(HttpContent content, long? limit, bool truncate, CancellationToken cancellationToken)
    {
        var declared = content.Headers.ContentLength;
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
                    var read = await stream.ReadAsync(buffer.AsMemory(length, capacity - length), cancellationToken).ConfigureAwait(false);
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
