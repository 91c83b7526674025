using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Twirp.Client.Tests.Telemetry;

/// <summary>
/// The real OpenTelemetry SDK subscribed to the given Twirp sources and meters, exporting into memory.
/// </summary>
public sealed class CapturedTelemetry : IDisposable
{
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _metrics = [];
    private readonly TracerProvider _tracing;
    private readonly MeterProvider _meters;

    public CapturedTelemetry(params string[] names)
    {
        _tracing = Sdk.CreateTracerProviderBuilder().AddSource(names).AddInMemoryExporter(_spans).Build()!;
        _meters = Sdk.CreateMeterProviderBuilder().AddMeter(names).AddInMemoryExporter(_metrics).Build()!;
    }

    /// <summary>
    /// The exported spans once <paramref name="count"/> have ended: the server's span ends after its
    /// response went out, so it may end after the client has its answer.
    /// </summary>
    public async Task<IReadOnlyList<Activity>> SpansAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            lock (_spans)
            {
                if (_spans.Count >= count || DateTime.UtcNow > deadline)
                {
                    return _spans.ToList();
                }
            }
            await Task.Delay(10);
        }
    }

    public Activity Span(IEnumerable<Activity> spans, string source) => spans.Single(span => span.Source.Name == source);

    /// <summary>Waits for one call's two spans and returns the Twirp client's and the Twirp server's.</summary>
    public async Task<(Activity Client, Activity Server)> ClientAndServerSpansAsync()
    {
        var spans = await SpansAsync(2);
        return (Span(spans, TwirpDiagnostics.ClientName), Span(spans, TwirpDiagnostics.ServerName));
    }

    /// <summary>The points of the histogram <paramref name="name"/> collected so far.</summary>
    public IReadOnlyList<(Metric Metric, MetricPoint Point)> Points(string name)
    {
        _metrics.Clear();
        _meters.ForceFlush();
        var points = new List<(Metric, MetricPoint)>();
        foreach (var metric in _metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                points.Add((metric, point));
            }
        }
        return points;
    }

    public static Dictionary<string, object?> TagsOf(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>();
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }
        return tags;
    }

    public static List<double> BoundsOf(MetricPoint point)
    {
        var bounds = new List<double>();
        foreach (var bucket in point.GetHistogramBuckets())
        {
            if (!double.IsPositiveInfinity(bucket.ExplicitBound))
            {
                bounds.Add(bucket.ExplicitBound);
            }
        }
        return bounds;
    }

    public void Dispose()
    {
        _tracing.Dispose();
        _meters.Dispose();
    }
}
