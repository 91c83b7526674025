using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using NUnit.Framework;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Twirp.Example.Haberdasher;

namespace Twirp.Queue.Tests;

/// <summary>The producer span of an enqueue and the consumer's span of the task, through the real OpenTelemetry SDK.</summary>
[NonParallelizable]
public class QueueTelemetryTests
{
    [Test]
    public async Task Task_is_served_in_a_span_that_is_the_child_of_the_enqueues_producer_span()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(TwirpDiagnostics.QueueName, TwirpDiagnostics.ServerName)
            .AddInMemoryExporter(spans)
            .Build()!;
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite);
        await using var workers = new Workers(store.CreateQueue());
        await workers.StartAsync("telemetry");

        await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 7 });

        Activity[] Snapshot()
        {
            lock (spans)
            {
                return spans.ToArray();
            }
        }
        Assert.That(await Eventually.HoldsAsync(() => Task.FromResult(Snapshot().Length >= 2), TimeSpan.FromSeconds(30)), Is.True);
        var producer = Snapshot().Single(span => span.Source.Name == TwirpDiagnostics.QueueName);
        var consumer = Snapshot().Single(span => span.Source.Name == TwirpDiagnostics.ServerName);
        Assert.Multiple(() =>
        {
            Assert.That(producer.Kind, Is.EqualTo(ActivityKind.Producer));
            Assert.That(producer.DisplayName, Is.EqualTo("send twirp.example.haberdasher.Haberdasher"));
            Assert.That(producer.GetTagItem("messaging.destination.name"), Is.EqualTo("twirp.example.haberdasher.Haberdasher"));
            Assert.That(consumer.DisplayName, Is.EqualTo("twirp.example.haberdasher.Haberdasher/MakeHat"));
            Assert.That(consumer.TraceId, Is.EqualTo(producer.TraceId));
            Assert.That(consumer.ParentSpanId, Is.EqualTo(producer.SpanId));
            Assert.That(consumer.GetTagItem("rpc.response.status_code"), Is.EqualTo("ok"));
        });
    }
}
