using System;
using Microsoft.Extensions.Logging;

namespace Twirp;

/// <summary>What the transport-neutral dispatch logs; event ids are shared with <see cref="TwirpHttpLog"/>, never reused.</summary>
internal static partial class TwirpLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Twirp method {Method} failed with an unhandled exception.")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Twirp method {Method} answered with error {Code}: {Message}")]
    public static partial void CallFailed(ILogger logger, string method, string code, string message);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Twirp method {Method} was canceled by the client.")]
    public static partial void CallCanceled(ILogger logger, string method);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Twirp method {Method} timed out.")]
    public static partial void CallTimedOut(ILogger logger, string method);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Twirp {Hook} hook failed for {Method}; the call's answer is unchanged.")]
    public static partial void HookFailed(ILogger logger, string hook, string method, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "The error answer of Twirp method {Method} could not be sent.")]
    public static partial void ErrorNotSent(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Twirp method {Method} answered with error {Code}: {Message}")]
    public static partial void CallFailedWithCause(ILogger logger, string method, string code, string message, Exception cause);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "Twirp method {Method} failed after its answer was sent; the answer stands.")]
    public static partial void FailedAfterAnswer(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Twirp options of {Service} could not be reloaded; its calls keep the previous ones.")]
    public static partial void ReloadFailed(ILogger logger, string service, Exception exception);
}
