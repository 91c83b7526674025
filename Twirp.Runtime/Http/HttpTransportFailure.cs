using System;
using System.IO;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;

namespace Twirp;

/// <summary>
/// The one place that decides what a failure of the HTTP transport means for a Twirp call: a client
/// that went away is <c>canceled</c> (and quiet: it is not a server fault), broken framing is
/// <c>malformed</c>, a body over the server's limit is <c>resource_exhausted</c>, a body arriving too
/// slowly is <c>deadline_exceeded</c>.
/// </summary>
internal static class HttpTransportFailure
{
    /// <summary>
    /// The Twirp error for <paramref name="exception"/>, thrown by the transport while the request body
    /// was read (<paramref name="readingRequest"/>) or the answer sent; null when it is no transport
    /// failure (a cancellation of the call's token, which the dispatcher classifies, or a bug).
    /// </summary>
    public static TwirpException? Classify(HttpContext httpContext, Exception exception, bool readingRequest)
    {
        switch (exception)
        {
            case TwirpException:
                return null;
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } tooLarge:
                return new TwirpException(TwirpErrorCode.ResourceExhausted, "request body too large", meta: null, tooLarge);
            case BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } tooSlow:
                return new TwirpException(TwirpErrorCode.DeadlineExceeded, "the request body arrived too slowly", meta: null, tooSlow);
            case BadHttpRequestException badFraming:
                return TwirpException.Malformed("failed to read request body", badFraming);
        }
        if (IsClientGone(exception) || (!readingRequest && exception is IOException or OperationCanceledException))
        {
            // Kestrel throws a reset before it signals RequestAborted: abort now, so the call's token
            // fires and nothing more is written to a dead connection. Once the answer is handed over, a
            // failed or canceled send can only mean the client is gone.
            httpContext.Abort();
            return new TwirpException(TwirpErrorCode.Canceled, "the request was canceled", meta: null, exception);
        }
        if (exception is IOException brokenFraming)
        {
            // Kestrel reports some framing errors as plain IOExceptions ("Bad chunk size data" for a
            // chunk size of 2^31 or more) rather than as a BadHttpRequestException.
            return TwirpException.Malformed("failed to read request body", brokenFraming);
        }
        return null;
    }

    private static bool IsClientGone(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is ConnectionResetException or ConnectionAbortedException or System.Net.Sockets.SocketException)
            {
                return true;
            }
        }
        return false;
    }
}
