using System;
using System.Buffers;
using System.Threading;
using System.Threading.Tasks;

namespace Twirp.Queue;

/// <summary>
/// A Twirp call carried by a leased task: the stored body in, the answer recorded. Nobody waits for a
/// successful response, so its bytes are discarded; an error decides between retry and dead letter.
/// </summary>
internal sealed class QueueServerExchange(TwirpQueueMessage message, Func<bool> deadlineExceeded) : ITwirpServerExchange
{
    private ArrayBufferWriter<byte>? _response;

    public TwirpException? Error { get; private set; }

    public bool Succeeded { get; private set; }

    public bool HasStarted => Succeeded;

    public IBufferWriter<byte> ResponseBody => _response ??= new ArrayBufferWriter<byte>();

    public bool IsDeadlineExceeded => deadlineExceeded();

    public TwirpException? CheckRequest(TwirpContext context)
    {
        if (!TwirpContentTypes.TryParse(message.ContentType, out var encoding))
        {
            return new TwirpException(TwirpErrorCode.BadRoute, $"unexpected Content-Type: \"{message.ContentType}\"");
        }
        context.Encoding = encoding;
        return null;
    }

    public ValueTask<ReadOnlySequence<byte>> ReadRequestAsync(long? maxSize, CancellationToken cancellationToken) =>
        message.Body.Length > maxSize
            ? throw TwirpException.ResourceExhausted($"request body too large: the limit is {maxSize} bytes")
            : new(new ReadOnlySequence<byte>(message.Body));

    public void ReleaseRequest()
    {
    }

    public void StartResponse(TwirpEncoding encoding, int contentLength)
    {
    }

    public ValueTask CompleteResponseAsync(CancellationToken cancellationToken)
    {
        Succeeded = true;
        return default;
    }

    public ValueTask WriteErrorAsync(TwirpException error, CancellationToken cancellationToken)
    {
        Error = error;
        return default;
    }

    public void Abort()
    {
        // Only reachable when an error follows a completed answer; the success stands.
    }
}
