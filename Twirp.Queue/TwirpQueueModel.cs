using System;
using System.Collections.Generic;

namespace Twirp.Queue;

/// <summary>A consumer group of one service: every group receives every task of the service.</summary>
/// <param name="Id">The store's id of the group.</param>
/// <param name="Service"><c>package.Service</c>.</param>
/// <param name="Name">The group's name, unique per service.</param>
public sealed record TwirpQueueGroup(long Id, string Service, string Name);

/// <summary>A worker's hold on one task for one group; the store checks it on every update, so a worker whose lease was taken over changes nothing.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Attempt">The attempt this lease is (1 for the first).</param>
/// <param name="Owner">The worker holding it.</param>
public readonly record struct TwirpQueueLease(long TaskId, int Attempt, string Owner);

/// <summary>A task leased to a worker of a group.</summary>
public sealed class TwirpLeasedTask
{
    /// <summary>Creates a leased task; stores call it.</summary>
    public TwirpLeasedTask(TwirpQueueLease lease, TwirpQueueMessage message, DateTimeOffset enqueuedAt)
    {
        Lease = lease;
        Message = message;
        EnqueuedAt = enqueuedAt;
    }

    /// <summary>The lease.</summary>
    public TwirpQueueLease Lease { get; }

    /// <summary>The stored call.</summary>
    public TwirpQueueMessage Message { get; }

    /// <summary>When the task was enqueued.</summary>
    public DateTimeOffset EnqueuedAt { get; }
}

/// <summary>Where one group stands.</summary>
/// <param name="Service"><c>package.Service</c>.</param>
/// <param name="Group">The group's name.</param>
/// <param name="Done">Tasks the group finished (and not yet pruned).</param>
/// <param name="Pending">Tasks waiting to run, scheduled ones and retries included.</param>
/// <param name="Leased">Tasks a worker holds now.</param>
/// <param name="Dead">Dead letters.</param>
/// <param name="OldestPendingAge">How long the oldest task that is ready to run has waited since it became ready; zero when none is.</param>
public sealed record TwirpQueueGroupProgress(string Service, string Group, long Done, long Pending, long Leased, long Dead, TimeSpan OldestPendingAge)
{
    /// <summary>One line: <c>group: done 300, pending 0, leased 0, dead 0</c>.</summary>
    public override string ToString() => $"{Group}: done {Done}, pending {Pending}, leased {Leased}, dead {Dead}";
}

/// <summary>A task a group gave up on: its call, the error it ended with, its attempts and timestamps.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Service"><c>package.Service</c>.</param>
/// <param name="Group">The group.</param>
/// <param name="Method">The method's name.</param>
/// <param name="Attempts">How many times it ran.</param>
/// <param name="ErrorJson">The Twirp error body it ended with: <c>{"code":..,"msg":..,"meta":{..}}</c>.</param>
/// <param name="EnqueuedAt">When it was enqueued.</param>
/// <param name="DeadAt">When it became a dead letter.</param>
public sealed record TwirpDeadLetter(long TaskId, string Service, string Group, string Method, int Attempts, string ErrorJson, DateTimeOffset EnqueuedAt, DateTimeOffset DeadAt)
{
    /// <summary>The error, parsed from <see cref="ErrorJson"/>.</summary>
    public TwirpException Error => TwirpQueueErrors.Parse(ErrorJson);
}

/// <summary>The task's facts, for the handler: <c>context.GetQueueTask()</c>.</summary>
/// <param name="TaskId">The task's id (what <c>EnqueueAsync</c> returned).</param>
/// <param name="Attempt">1 for the first run, 2 for the first retry, ...</param>
/// <param name="Group">The consumer group running it.</param>
/// <param name="EnqueuedAt">When it was enqueued.</param>
public sealed record TwirpQueueTask(long TaskId, int Attempt, string Group, DateTimeOffset EnqueuedAt);

/// <summary>Reads the queue's feature of a <see cref="TwirpContext"/>.</summary>
public static class TwirpQueueContextExtensions
{
    /// <summary>The task being served, or null when the call did not come from the queue.</summary>
    public static TwirpQueueTask? GetQueueTask(this TwirpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetFeature<TwirpQueueTask>();
    }
}

/// <summary>Error JSON as the queue stores it.</summary>
internal static class TwirpQueueErrors
{
    public static string ToJson(TwirpException error) => System.Text.Encoding.UTF8.GetString(TwirpErrorJson.ToUtf8Bytes(error));

    public static TwirpException Parse(string json)
    {
        if (TwirpErrorJson.TryRead(System.Text.Encoding.UTF8.GetBytes(json), out var codeName, out var message, out var meta)
            && TwirpErrorCodes.TryParse(codeName, out var code))
        {
            return new TwirpException(code, message, meta.Count == 0 ? null : meta);
        }
        return TwirpException.Internal("unreadable stored error: " + json);
    }
}

/// <summary>The stored metadata: a JSON object of string values.</summary>
public static class TwirpQueueHeaders
{
    /// <summary>Null for no headers, else <c>{"name":"value",...}</c>.</summary>
    public static string? ToJson(IReadOnlyDictionary<string, string>? headers)
    {
        if (headers is null || headers.Count == 0)
        {
            return null;
        }
        return System.Text.Json.JsonSerializer.Serialize(headers, TwirpQueueJsonContext.Default.IReadOnlyDictionaryStringString);
    }

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    public static IReadOnlyDictionary<string, string>? FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? null : System.Text.Json.JsonSerializer.Deserialize(json, TwirpQueueJsonContext.Default.DictionaryStringString);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class TwirpQueueJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
