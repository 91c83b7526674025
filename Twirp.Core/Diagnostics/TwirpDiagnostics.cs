namespace Twirp;

/// <summary>
/// The names of the <see cref="System.Diagnostics.ActivitySource"/> and
/// <see cref="System.Diagnostics.Metrics.Meter"/> the Twirp server and client report through. Each side
/// uses one name for both, so an OpenTelemetry app adds them with
/// <c>tracing.AddSource(TwirpDiagnostics.ServerName)</c> and <c>metrics.AddMeter(TwirpDiagnostics.ServerName)</c>
/// (likewise <see cref="ClientName"/>). Nothing is measured and no span is started until a listener
/// subscribes to them.
/// </summary>
public static class TwirpDiagnostics
{
    /// <summary><c>Twirp.Server</c>: one span per served call and the <c>rpc.server.call.duration</c> histogram.</summary>
    public const string ServerName = "Twirp.Server";

    /// <summary><c>Twirp.Client</c>: one span per call of a generated client and the <c>rpc.client.call.duration</c> histogram.</summary>
    public const string ClientName = "Twirp.Client";

    /// <summary>
    /// <c>Twirp.Queue</c>: a producer span per enqueue; the consumer's span of each task is its child on
    /// <see cref="ServerName"/>.
    /// </summary>
    public const string QueueName = "Twirp.Queue";
}
