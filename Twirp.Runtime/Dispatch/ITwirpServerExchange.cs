using System.Buffers;
using System.Threading;
using System.Threading.Tasks;

namespace Twirp;

/// <summary>
/// The transport's side of one Twirp call. <see cref="TwirpServiceDispatcher"/> drives it; the
/// ASP.NET Core endpoint implements it over <c>HttpContext</c>, the queue consumer over a leased task,
/// and any other transport can implement it to serve the same service (see docs/transports.md).
/// </summary>
public interface ITwirpServerExchange
{
    /// <summary>
    /// Checks that the request is a Twirp call this transport can serve and sets
    /// <see cref="TwirpContext.Encoding"/>; returns the error to answer with otherwise.
    /// </summary>
    TwirpException? CheckRequest(TwirpContext context);

    /// <summary>
    /// Reads the whole request body. Throws a <see cref="TwirpException"/> (<c>resource_exhausted</c>)
    /// as soon as more than <paramref name="maxSize"/> bytes arrive, without reading the rest.
    /// The returned buffer is valid until <see cref="ReleaseRequest"/>.
    /// </summary>
    ValueTask<ReadOnlySequence<byte>> ReadRequestAsync(long? maxSize, CancellationToken cancellationToken);

    /// <summary>Releases the buffer returned by <see cref="ReadRequestAsync"/>.</summary>
    void ReleaseRequest();

    /// <summary>Whether the response has started, after which an error can no longer be written.</summary>
    bool HasStarted { get; }

    /// <summary>Sets a successful response's status, content type and length; nothing is sent yet.</summary>
    void StartResponse(TwirpEncoding encoding, int contentLength);

    /// <summary>Where the response body goes, after <see cref="StartResponse"/>.</summary>
    IBufferWriter<byte> ResponseBody { get; }

    /// <summary>Sends what was written to <see cref="ResponseBody"/>.</summary>
    ValueTask CompleteResponseAsync(CancellationToken cancellationToken);

    /// <summary>Answers with a Twirp error (over HTTP: the JSON body of <see cref="TwirpErrorJson"/>, status per its code).</summary>
    ValueTask WriteErrorAsync(TwirpException error, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the call was abandoned because its deadline passed (answered <c>deadline_exceeded</c>)
    /// rather than because the caller went away (<c>canceled</c>); asked only once
    /// <see cref="TwirpContext.CancellationToken"/> is signalled.
    /// </summary>
    bool IsDeadlineExceeded { get; }

    /// <summary>Abandons an exchange whose response started and cannot be completed.</summary>
    void Abort();
}
