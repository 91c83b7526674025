using System.Diagnostics;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Twirp;

namespace Haberdasher;

/// <summary>
/// Twirp hooks that log one line per call: method, encoding, status and duration, plus the error code
/// when the call failed. The start time travels in the call's <see cref="TwirpContext.Items"/>.
/// </summary>
public static partial class CallLogging
{
    private static readonly object StartKey = new();

    public static TwirpHooks Hooks { get; } = new()
    {
        RequestReceived = context =>
        {
            context.Items[StartKey] = Stopwatch.GetTimestamp();
            return default;
        },
        ResponseSent = context =>
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Haberdasher.Calls");
            var elapsed = Stopwatch.GetElapsedTime((long)context.Items[StartKey]!);
            if (context.Error is { } error)
            {
                CallFailed(logger, context.RouteName, context.Encoding, error.Code.ToHttpStatus(), error.Code.ToWireName(), error.Message, elapsed.TotalMilliseconds);
            }
            else
            {
                CallSucceeded(logger, context.RouteName, context.Encoding, StatusCodes.Status200OK, elapsed.TotalMilliseconds);
            }
            return default;
        },
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} ({Encoding}) -> {Status} in {ElapsedMs:0.###} ms")]
    private static partial void CallSucceeded(ILogger logger, string method, TwirpEncoding encoding, int status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} ({Encoding}) -> {Status} {Code}: {Message} in {ElapsedMs:0.###} ms")]
    private static partial void CallFailed(ILogger logger, string method, TwirpEncoding encoding, int status, string code, string message, double elapsedMs);
}
