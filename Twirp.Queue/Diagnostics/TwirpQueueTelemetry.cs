using System.Collections.Generic;
using System.Diagnostics;

namespace Twirp.Queue;

/// <summary>
/// The producer span of an enqueue (OpenTelemetry messaging conventions: kind Producer, named
/// <c>send {service}</c>), whose context each stored task carries in its metadata, so the consumer's
/// <c>Twirp.Server</c> span of the task continues the producer's trace as its child.
/// </summary>
internal static class TwirpQueueTelemetry
{
    private static readonly ActivitySource Source = new(TwirpDiagnostics.QueueName, typeof(TwirpQueueTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of one enqueue call, or returns null when nobody listens.</summary>
    public static Activity? StartEnqueue(IReadOnlyList<TwirpQueueMessage> messages)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var service = messages[0].Service;
        return Source.StartActivity("send " + service, ActivityKind.Producer, parentContext: default,
        [
            new("messaging.system", "twirp_queue"),
            new("messaging.operation.type", "send"),
            new("messaging.operation.name", "send"),
            new("messaging.destination.name", service),
            new("messaging.batch.message_count", messages.Count),
        ]);
    }

    /// <summary>The messages with <paramref name="producer"/>'s trace context added to their metadata.</summary>
    public static IReadOnlyList<TwirpQueueMessage> WithTraceContext(IReadOnlyList<TwirpQueueMessage> messages, Activity producer)
    {
        var context = new Dictionary<string, string>();
        DistributedContextPropagator.Current.Inject(producer, context, static (carrier, name, value) =>
        {
            if (value is not null)
            {
                ((Dictionary<string, string>)carrier!)[name] = value;
            }
        });
        var traced = new TwirpQueueMessage[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var headers = new Dictionary<string, string>(context);
            if (message.Headers is { } own)
            {
                foreach (var pair in own)
                {
                    headers[pair.Key] = pair.Value;
                }
            }
            traced[i] = new TwirpQueueMessage(message.Service, message.Method, message.ContentType, message.Body)
            {
                Headers = headers,
                NotBefore = message.NotBefore,
                IdempotencyKey = message.IdempotencyKey,
            };
        }
        return traced;
    }
}
