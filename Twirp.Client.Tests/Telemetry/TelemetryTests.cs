using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using OpenTelemetry.Metrics;
using Twirp.Client.Tests.Infrastructure;
using Twirp.Example.Haberdasher;

namespace Twirp.Client.Tests.Telemetry;

/// <summary>
/// Spans, metrics and log scopes of a generated client calling our server, read back through the real
/// OpenTelemetry SDK, by the RPC semantic conventions v1.44.0.
/// </summary>
[NonParallelizable]
public class TelemetryTests
{
    private const string MakeHat = "twirp.example.haberdasher.Haberdasher/MakeHat";

    private static readonly double[] RecommendedBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>Answers by size: a hat, a client error (not_found, malformed) or a server fault (an exception).</summary>
    private sealed class Hatter(ILogger<Hatter> logger) : HaberdasherBase
    {
        public static Activity? SeenActivity { get; private set; }

        public override Task<Hat> MakeHat(Size request, TwirpContext context)
        {
            SeenActivity = Activity.Current;
            logger.LogInformation("making a hat of {Inches} inches", request.Inches);
            return request.Inches switch
            {
                404 => throw new TwirpException(TwirpErrorCode.NotFound, "no such hat"),
                400 => throw TwirpException.Malformed("a size the hatter cannot read"),
                500 => throw new InvalidOperationException("the hat machine broke"),
                _ => Task.FromResult(new Hat { Inches = request.Inches, Color = "red" }),
            };
        }
    }

    private static Dictionary<string, object?> TagsOf(Activity span) => span.TagObjects.ToDictionary(tag => tag.Key, tag => tag.Value);

    [Test]
    public async Task Successful_call_has_one_client_span_and_one_server_span_named_for_the_method()
    {
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ServerName, TwirpDiagnostics.ClientName);
        await using var server = await TestServerApp.StartAsync(app => app.MapTwirp<Hatter>());
        var client = new HaberdasherClient(server.CreateClient());

        await client.MakeHatAsync(new Size { Inches = 7 });

        var spans = await telemetry.SpansAsync(2);
        Assert.That(spans, Has.Count.EqualTo(2));
        var clientSpan = telemetry.Span(spans, TwirpDiagnostics.ClientName);
        var serverSpan = telemetry.Span(spans, TwirpDiagnostics.ServerName);
        Assert.Multiple(() =>
        {
            Assert.That(clientSpan.DisplayName, Is.EqualTo(MakeHat));
            Assert.That(clientSpan.Kind, Is.EqualTo(ActivityKind.Client));
            Assert.That(clientSpan.Status, Is.EqualTo(ActivityStatusCode.Unset));
            Assert.That(TagsOf(clientSpan), Is.EquivalentTo(new Dictionary<string, object?>
            {
                ["rpc.system.name"] = "twirp",
                ["rpc.method"] = MakeHat,
                ["server.address"] = "localhost",
                ["server.port"] = 80,
                ["rpc.response.status_code"] = "ok",
            }));
            Assert.That(serverSpan.DisplayName, Is.EqualTo(MakeHat));
            Assert.That(serverSpan.Kind, Is.EqualTo(ActivityKind.Server));
            Assert.That(serverSpan.Status, Is.EqualTo(ActivityStatusCode.Unset));
            Assert.That(TagsOf(serverSpan), Is.EquivalentTo(new Dictionary<string, object?>
            {
                ["rpc.system.name"] = "twirp",
                ["rpc.method"] = MakeHat,
                ["rpc.response.status_code"] = "ok",
            }));
            Assert.That(Hatter.SeenActivity, Is.SameAs(serverSpan), "the handler runs inside the server span");
        });
    }

    [Test]
    public async Task Client_error_fails_the_client_span_but_not_the_server_span()
    {
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ServerName, TwirpDiagnostics.ClientName);
        await using var server = await TestServerApp.StartAsync(app => app.MapTwirp<Hatter>());
        var client = new HaberdasherClient(server.CreateClient());

        Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size { Inches = 404 }));

        var (clientSpan, serverSpan) = await telemetry.ClientAndServerSpansAsync();
        Assert.Multiple(() =>
        {
            Assert.That(clientSpan.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(TagsOf(clientSpan)["rpc.response.status_code"], Is.EqualTo("not_found"));
            Assert.That(TagsOf(clientSpan)["error.type"], Is.EqualTo("not_found"));
            Assert.That(serverSpan.Status, Is.EqualTo(ActivityStatusCode.Unset), "not_found is the client's mistake, not a server fault");
            Assert.That(TagsOf(serverSpan)["rpc.response.status_code"], Is.EqualTo("not_found"));
            Assert.That(TagsOf(serverSpan), Does.Not.ContainKey("error.type"));
        });
    }

    [Test]
    public async Task Server_fault_fails_both_spans_with_error_type_internal()
    {
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ServerName, TwirpDiagnostics.ClientName);
        await using var server = await TestServerApp.StartAsync(app => app.MapTwirp<Hatter>());
        var client = new HaberdasherClient(server.CreateClient());

        Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size { Inches = 500 }));

        var (clientSpan, serverSpan) = await telemetry.ClientAndServerSpansAsync();
        Assert.Multiple(() =>
        {
            Assert.That(clientSpan.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(TagsOf(clientSpan)["error.type"], Is.EqualTo("internal"));
            Assert.That(serverSpan.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(TagsOf(serverSpan)["rpc.response.status_code"], Is.EqualTo("internal"));
            Assert.That(TagsOf(serverSpan)["error.type"], Is.EqualTo("internal"));
        });
    }

    [Test]
    public async Task Unreachable_server_fails_the_client_span_as_unavailable_as_grpc_clients_record_it()
    {
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ClientName);
        // Port 9 (discard) on loopback: nothing listens, the connection is refused.
        var client = new HaberdasherClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9") });

        var error = Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size { Inches = 7 }));

        var clientSpan = (await telemetry.SpansAsync(1)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(error!.InnerException, Is.InstanceOf<HttpRequestException>());
            Assert.That(clientSpan.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(TagsOf(clientSpan)["error.type"], Is.EqualTo("unavailable"));
            Assert.That(TagsOf(clientSpan)["rpc.response.status_code"], Is.EqualTo("unavailable"));
            Assert.That(TagsOf(clientSpan)["server.address"], Is.EqualTo("127.0.0.1"));
            Assert.That(TagsOf(clientSpan)["server.port"], Is.EqualTo(9));
        });
    }

    [Test]
    public async Task Server_span_is_the_child_of_the_client_span_across_a_real_kestrel_server()
    {
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ServerName, TwirpDiagnostics.ClientName);
        await using var server = await KestrelApp.StartAsync(app => app.MapTwirp<Hatter>());
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var client = new HaberdasherClient(http);

        await client.MakeHatAsync(new Size { Inches = 7 });

        var (clientSpan, serverSpan) = await telemetry.ClientAndServerSpansAsync();
        Assert.Multiple(() =>
        {
            Assert.That(serverSpan.TraceId, Is.EqualTo(clientSpan.TraceId));
            Assert.That(serverSpan.ParentSpanId, Is.EqualTo(clientSpan.SpanId));
            Assert.That(serverSpan.HasRemoteParent, Is.True);
            Assert.That(clientSpan.Parent, Is.Null);
            Assert.That(TagsOf(clientSpan)["server.port"], Is.EqualTo(server.BaseAddress.Port));
        });
    }

    [Test]
    public async Task Server_span_continues_the_client_span_past_asp_net_cores_unrecorded_request_activity()
    {
        // With a logger provider, ASP.NET Core starts its request activity for its logs; nobody records
        // it, so the server span must skip it rather than point at a span no exporter sends.
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ServerName, TwirpDiagnostics.ClientName);
        var logs = new ScopeRecordingLoggerProvider();
        await using var server = await KestrelApp.StartAsync(
            app => app.MapTwirp<Hatter>(),
            services => services.AddLogging(logging => logging.AddProvider(logs)));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var client = new HaberdasherClient(http);

        await client.MakeHatAsync(new Size { Inches = 7 });

        var (clientSpan, serverSpan) = await telemetry.ClientAndServerSpansAsync();
        Assert.That(logs.Entries.Select(e => e.Category), Does.Contain("Microsoft.AspNetCore.Hosting.Diagnostics"), "ASP.NET Core logs, so it starts its request activity");
        Assert.That(serverSpan.ParentSpanId, Is.EqualTo(clientSpan.SpanId));
        Assert.That(serverSpan.TraceId, Is.EqualTo(clientSpan.TraceId));
    }

    [Test]
    public async Task With_httpclient_and_asp_net_core_spans_recorded_the_trace_is_one_chain()
    {
        // The sources OpenTelemetry's HttpClient and ASP.NET Core instrumentations subscribe to.
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ServerName, TwirpDiagnostics.ClientName, "System.Net.Http", "Microsoft.AspNetCore");
        await using var server = await KestrelApp.StartAsync(app => app.MapTwirp<Hatter>());
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var client = new HaberdasherClient(http);

        await client.MakeHatAsync(new Size { Inches = 7 });

        var spans = await telemetry.SpansAsync(4);
        var twirpClient = telemetry.Span(spans, TwirpDiagnostics.ClientName);
        var httpClient = telemetry.Span(spans, "System.Net.Http");
        var httpServer = telemetry.Span(spans, "Microsoft.AspNetCore");
        var twirpServer = telemetry.Span(spans, TwirpDiagnostics.ServerName);
        Assert.Multiple(() =>
        {
            Assert.That(httpClient.ParentSpanId, Is.EqualTo(twirpClient.SpanId));
            Assert.That(httpServer.ParentSpanId, Is.EqualTo(httpClient.SpanId));
            Assert.That(twirpServer.ParentSpanId, Is.EqualTo(httpServer.SpanId));
            Assert.That(spans.Select(span => span.TraceId).Distinct().Count(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Handler_logs_carry_a_scope_with_the_method_and_the_trace_id()
    {
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ServerName);
        var logs = new ScopeRecordingLoggerProvider();
        await using var server = await TestServerApp.StartAsync(
            app => app.MapTwirp<Hatter>(),
            services => services.AddLogging(logging => logging.AddProvider(logs)));
        var client = new HaberdasherClient(server.CreateClient());

        await client.MakeHatAsync(new Size { Inches = 7 });

        var serverSpan = (await telemetry.SpansAsync(1)).Single();
        var entry = logs.Entries.Single(e => e.Message == "making a hat of 7 inches");
        var scope = entry.Scopes.OfType<IReadOnlyList<KeyValuePair<string, object?>>>()
            .Single(s => s.Any(pair => pair.Key == "TwirpMethod"));
        Assert.That(scope, Is.EquivalentTo(new Dictionary<string, object?>
        {
            ["TwirpMethod"] = MakeHat,
            ["TraceId"] = serverSpan.TraceId.ToHexString(),
        }));
        Assert.That(scope.ToString(), Is.EqualTo($"TwirpMethod:{MakeHat} TraceId:{serverSpan.TraceId.ToHexString()}"));
    }

    [Test]
    public async Task Call_durations_are_histograms_in_seconds_with_the_recommended_buckets_and_the_call_attributes()
    {
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ServerName, TwirpDiagnostics.ClientName);
        await using var server = await TestServerApp.StartAsync(app => app.MapTwirp<Hatter>());
        var client = new HaberdasherClient(server.CreateClient());

        await client.MakeHatAsync(new Size { Inches = 7 });
        await client.MakeHatAsync(new Size { Inches = 8 });
        Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size { Inches = 500 }));
        await telemetry.SpansAsync(6);

        var serverPoints = telemetry.Points("rpc.server.call.duration");
        var clientPoints = telemetry.Points("rpc.client.call.duration");
        Assert.That(serverPoints, Has.Count.EqualTo(2), "one series for ok, one for internal");
        Assert.That(clientPoints, Has.Count.EqualTo(2));
        foreach (var (metric, point) in serverPoints.Concat(clientPoints))
        {
            Assert.That(metric.Unit, Is.EqualTo("s"));
            Assert.That(metric.MetricType, Is.EqualTo(MetricType.Histogram));
            Assert.That(CapturedTelemetry.BoundsOf(point), Is.EqualTo(RecommendedBuckets));
            Assert.That(point.GetHistogramSum(), Is.GreaterThan(0).And.LessThan(10), "seconds, not milliseconds");
        }

        var server200 = serverPoints.Single(p => Equals(CapturedTelemetry.TagsOf(p.Point)["rpc.response.status_code"], "ok")).Point;
        Assert.That(server200.GetHistogramCount(), Is.EqualTo(2));
        Assert.That(CapturedTelemetry.TagsOf(server200), Is.EquivalentTo(new Dictionary<string, object?>
        {
            ["rpc.system.name"] = "twirp",
            ["rpc.method"] = MakeHat,
            ["rpc.response.status_code"] = "ok",
        }));
        var serverFault = serverPoints.Single(p => Equals(CapturedTelemetry.TagsOf(p.Point)["rpc.response.status_code"], "internal")).Point;
        Assert.That(serverFault.GetHistogramCount(), Is.EqualTo(1));
        Assert.That(CapturedTelemetry.TagsOf(serverFault)["error.type"], Is.EqualTo("internal"));

        var clientFault = clientPoints.Single(p => Equals(CapturedTelemetry.TagsOf(p.Point)["rpc.response.status_code"], "internal")).Point;
        Assert.That(CapturedTelemetry.TagsOf(clientFault), Is.EquivalentTo(new Dictionary<string, object?>
        {
            ["rpc.system.name"] = "twirp",
            ["rpc.method"] = MakeHat,
            ["rpc.response.status_code"] = "internal",
            ["error.type"] = "internal",
            ["server.address"] = "localhost",
            ["server.port"] = 80L,
        }));
    }

    [Test]
    public async Task Route_naming_no_method_is_reported_as_method_OTHER()
    {
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ServerName);
        await using var server = await TestServerApp.StartAsync(app => app.MapTwirp<Hatter>());
        using var http = server.CreateClient();

        using var response = await http.PostAsync(
            "/twirp/twirp.example.haberdasher.Haberdasher/MakeScarf", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.That((int)response.StatusCode, Is.EqualTo(404));
        var serverSpan = (await telemetry.SpansAsync(1)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(serverSpan.DisplayName, Is.EqualTo("twirp"), "{rpc.system.name} when the method is _OTHER");
            Assert.That(TagsOf(serverSpan)["rpc.method"], Is.EqualTo("_OTHER"));
            Assert.That(TagsOf(serverSpan)["rpc.method_original"], Is.EqualTo("/twirp/twirp.example.haberdasher.Haberdasher/MakeScarf"));
            Assert.That(TagsOf(serverSpan)["rpc.response.status_code"], Is.EqualTo("bad_route"));
            Assert.That(TagsOf(serverSpan), Does.Not.ContainKey("error.type"), "bad_route is not on the server-fault list");
        });
        var point = telemetry.Points("rpc.server.call.duration").Single().Point;
        Assert.That(CapturedTelemetry.TagsOf(point)["rpc.method"], Is.EqualTo("_OTHER"));
    }

    [Test]
    public async Task Connect_call_is_reported_as_connectrpc_by_client_and_server_spans_and_durations()
    {
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ServerName, TwirpDiagnostics.ClientName);
        await using var server = await TestServerApp.StartAsync(app => app.MapTwirp<Hatter>());
        var client = new HaberdasherClient(server.CreateClient(), new TwirpClientOptions { Protocol = TwirpProtocol.Connect });

        await client.MakeHatAsync(new Size { Inches = 7 });

        var (clientSpan, serverSpan) = await telemetry.ClientAndServerSpansAsync();
        var serverPoint = telemetry.Points("rpc.server.call.duration").Single().Point;
        var clientPoint = telemetry.Points("rpc.client.call.duration").Single().Point;
        Assert.Multiple(() =>
        {
            Assert.That(TagsOf(clientSpan), Is.EquivalentTo(new Dictionary<string, object?>
            {
                ["rpc.system.name"] = "connectrpc",
                ["rpc.method"] = MakeHat,
                ["server.address"] = "localhost",
                ["server.port"] = 80,
                ["rpc.response.status_code"] = "ok",
            }));
            Assert.That(TagsOf(serverSpan), Is.EquivalentTo(new Dictionary<string, object?>
            {
                ["rpc.system.name"] = "connectrpc",
                ["rpc.method"] = MakeHat,
                ["rpc.response.status_code"] = "ok",
            }));
            Assert.That(CapturedTelemetry.TagsOf(serverPoint)["rpc.system.name"], Is.EqualTo("connectrpc"));
            Assert.That(CapturedTelemetry.TagsOf(clientPoint)["rpc.system.name"], Is.EqualTo("connectrpc"));
        });
    }

    [Test]
    public async Task The_same_server_reports_each_call_in_the_protocol_it_spoke()
    {
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ServerName);
        await using var server = await TestServerApp.StartAsync(app => app.MapTwirp<Hatter>());

        await new HaberdasherClient(server.CreateClient()).MakeHatAsync(new Size { Inches = 7 });
        await new HaberdasherClient(server.CreateClient(), new TwirpClientOptions { Protocol = TwirpProtocol.Connect }).MakeHatAsync(new Size { Inches = 7 });

        var systems = (await telemetry.SpansAsync(2)).Select(span => TagsOf(span)["rpc.system.name"]);
        Assert.That(systems, Is.EquivalentTo(new[] { "twirp", "connectrpc" }));
        var series = telemetry.Points("rpc.server.call.duration").Select(p => CapturedTelemetry.TagsOf(p.Point)["rpc.system.name"]);
        Assert.That(series, Is.EquivalentTo(new[] { "twirp", "connectrpc" }));
    }

    [Test]
    public async Task Connect_errors_carry_connects_code_and_a_client_mistake_is_no_server_fault()
    {
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ServerName, TwirpDiagnostics.ClientName);
        await using var server = await TestServerApp.StartAsync(app => app.MapTwirp<Hatter>());
        var client = new HaberdasherClient(server.CreateClient(), new TwirpClientOptions { Protocol = TwirpProtocol.Connect });

        // The handler throws malformed, which Connect has no code for: it is sent as invalid_argument.
        Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size { Inches = 400 }));

        var (clientSpan, serverSpan) = await telemetry.ClientAndServerSpansAsync();
        Assert.Multiple(() =>
        {
            Assert.That(TagsOf(clientSpan)["rpc.response.status_code"], Is.EqualTo("invalid_argument"));
            Assert.That(TagsOf(clientSpan)["error.type"], Is.EqualTo("invalid_argument"));
            Assert.That(clientSpan.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(TagsOf(serverSpan)["rpc.response.status_code"], Is.EqualTo("invalid_argument"));
            Assert.That(TagsOf(serverSpan), Does.Not.ContainKey("error.type"));
            Assert.That(serverSpan.Status, Is.EqualTo(ActivityStatusCode.Unset));
        });
    }

    [TestCase("/twirp/twirp.example.haberdasher.Haberdasher/MakeScarf")]
    [TestCase("/twirp/twirp.example.haberdasher.Milliner/MakeHat")]
    public async Task Connect_request_naming_no_method_is_OTHER_unimplemented_and_a_server_fault(string path)
    {
        using var telemetry = new CapturedTelemetry(TwirpDiagnostics.ServerName);
        await using var server = await TestServerApp.StartAsync(app => app.MapTwirp<Hatter>());
        using var http = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("Connect-Protocol-Version", "1");

        using var response = await http.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(404));
        var serverSpan = (await telemetry.SpansAsync(1)).Single();
        var point = telemetry.Points("rpc.server.call.duration").Single().Point;
        Assert.Multiple(() =>
        {
            Assert.That(serverSpan.DisplayName, Is.EqualTo("connectrpc"), "{rpc.system.name} when the method is _OTHER");
            Assert.That(TagsOf(serverSpan)["rpc.system.name"], Is.EqualTo("connectrpc"));
            Assert.That(TagsOf(serverSpan)["rpc.method"], Is.EqualTo("_OTHER"));
            // Connect's server list counts unimplemented as the server's failure; Twirp's bad_route is not.
            Assert.That(TagsOf(serverSpan)["rpc.response.status_code"], Is.EqualTo("unimplemented"));
            Assert.That(TagsOf(serverSpan)["error.type"], Is.EqualTo("unimplemented"));
            Assert.That(serverSpan.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(CapturedTelemetry.TagsOf(point)["rpc.system.name"], Is.EqualTo("connectrpc"));
            Assert.That(CapturedTelemetry.TagsOf(point)["error.type"], Is.EqualTo("unimplemented"));
        });
    }

    [Test]
    public async Task Nothing_is_started_or_measured_when_nobody_listens_to_twirp()
    {
        // The SDK listens, but to another source and meter only.
        using var telemetry = new CapturedTelemetry("Not.Twirp");
        Activity? clientSideActivity = null;
        var hooks = new TwirpClientHooks { RequestPrepared = (_, _) => { clientSideActivity = Activity.Current; return default; } };
        await using var server = await TestServerApp.StartAsync(app => app.MapTwirp<Hatter>());
        var client = new HaberdasherClient(server.CreateClient(), new TwirpClientOptions { Hooks = { hooks } });

        await client.MakeHatAsync(new Size { Inches = 7 });

        Assert.Multiple(async () =>
        {
            Assert.That(clientSideActivity, Is.Null);
            Assert.That(Hatter.SeenActivity?.Source.Name, Is.Not.EqualTo(TwirpDiagnostics.ServerName));
            Assert.That(await telemetry.SpansAsync(0), Is.Empty);
            Assert.That(telemetry.Points("rpc.server.call.duration"), Is.Empty);
            Assert.That(telemetry.Points("rpc.client.call.duration"), Is.Empty);
        });
    }
}
