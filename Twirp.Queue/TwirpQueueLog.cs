using System;
using Microsoft.Extensions.Logging;

namespace Twirp.Queue;

internal static partial class TwirpQueueLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Twirp queue consumer of {Service} started: group {Group}, concurrency {Concurrency}, worker {Worker}.")]
    public static partial void Started(ILogger logger, string service, string group, int concurrency, string worker);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Twirp queue task {TaskId} ({Method}) of group {Group} failed on attempt {Attempt} with {Code}; retrying in {DelayMs:0} ms: {Message}")]
    public static partial void Retrying(ILogger logger, long taskId, string method, string group, int attempt, string code, double delayMs, string message);

    [LoggerMessage(EventId = 103, Level = LogLevel.Error, Message = "Twirp queue task {TaskId} ({Method}) of group {Group} is a dead letter after {Attempt} attempt(s): {Code}: {Message}")]
    public static partial void DeadLettered(ILogger logger, long taskId, string method, string group, int attempt, string code, string message);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Twirp queue task {TaskId} of group {Group} lost its lease to another worker; its outcome here is dropped.")]
    public static partial void LeaseLost(ILogger logger, long taskId, string group);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error, Message = "Twirp queue consumer of {Service}, group {Group}: the store failed; retrying after the poll interval.")]
    public static partial void StoreFailed(ILogger logger, string service, string group, Exception exception);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Twirp queue consumer of {Service}, group {Group}: released {Count} unfinished task(s) at shutdown.")]
    public static partial void Released(ILogger logger, string service, string group, int count);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Twirp queue: {Count} expired lease(s) of group {Group} returned to pending.")]
    public static partial void Reclaimed(ILogger logger, int count, string group);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "Twirp queue: pruned {Count} finished task(s).")]
    public static partial void Pruned(ILogger logger, int count);
}
