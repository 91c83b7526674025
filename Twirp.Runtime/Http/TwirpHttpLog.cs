using Microsoft.Extensions.Logging;

namespace Twirp;

/// <summary>What only the HTTP binding logs; event ids continue <see cref="TwirpLog"/>'s numbering.</summary>
internal static partial class TwirpHttpLog
{
    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Twirp bad route {HttpMethod} {Path}: {Message}")]
    public static partial void BadRoute(ILogger logger, string httpMethod, string path, string message);
}
