using System;
using Microsoft.Extensions.Logging;

namespace Twirp;

internal static partial class TwirpLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Twirp method {Method} failed with an unhandled exception.")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);
}
