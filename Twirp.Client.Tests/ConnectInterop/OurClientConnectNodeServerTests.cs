using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;
using Twirp.ConnectInterop;
using Twirp.Client.Tests.Infrastructure;
using Twirp.Testing;

namespace Twirp.Client.Tests.ConnectInterop;

/// <summary>
/// Our generated client, with <c>Protocol = Connect</c>, calling a @connectrpc/connect-node server
/// (Node.js), in binary and JSON. A pass-through handler records what crossed the wire.
/// </summary>
[TestFixture(TwirpEncoding.Protobuf)]
[TestFixture(TwirpEncoding.Json)]
[Category("Interop")]
public class OurClientConnectNodeServerTests(TwirpEncoding encoding)
{
    private NodeServer _server = null!;
    private WireLog _wire = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = await NodeProject.Connect.StartServerAsync();
        _wire = new WireLog { InnerHandler = new SocketsHttpHandler() };
        _http = new HttpClient(_wire) { BaseAddress = _server.BaseAddress, Timeout = NodeProcess.Deadline };
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _http?.Dispose();
        _server?.Dispose();
    }

    private ConnectInteropClient Client(Action<TwirpClientOptions>? configure = null)
    {
        var options = new TwirpClientOptions
        {
            Protocol = TwirpProtocol.Connect,
            PathPrefix = "",
            Encoding = encoding,
            Json = { TypeRegistry = ConnectInteropMessages.Registry },
        };
        configure?.Invoke(options);
        return new ConnectInteropClient(_http, options);
    }

    [Test]
    public async Task Message_with_every_field_kind_round_trips()
    {
        var sent = ConnectInteropMessages.Everything();

        var received = await Client().EchoAsync(sent);

        Assert.That(received, Is.EqualTo(ConnectInteropMessages.Served(sent, "connect-node")));
        var exchange = _wire.Last("Echo");
        Assert.That(exchange.Method, Is.EqualTo("POST"));
        Assert.That(exchange.RequestContentType, Is.EqualTo(encoding == TwirpEncoding.Json ? "application/json" : "application/proto"));
    }

    [Test]
    public async Task Side_effect_free_method_is_called_with_GET_when_asked()
    {
        var sent = ConnectInteropMessages.Everything();

        var received = await Client(o => o.UseHttpGet = true).QueryAsync(sent);

        Assert.That(received, Is.EqualTo(ConnectInteropMessages.Served(sent, "connect-node", "GET")));
        Assert.That(_wire.Last("Query").Method, Is.EqualTo("GET"));
    }

    [Test]
    public async Task Side_effect_free_method_is_posted_unless_GET_is_asked_for()
    {
        var received = await Client().QueryAsync(ConnectInteropMessages.Everything());

        Assert.That(received.HttpMethod, Is.EqualTo("POST"));
    }

    [Test]
    public async Task Methods_with_side_effects_are_posted_even_when_GET_is_asked_for()
    {
        await Client(o => o.UseHttpGet = true).EchoAsync(new Everything { ServedBy = "x" });

        Assert.That(_wire.Last("Echo").Method, Is.EqualTo("POST"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Gzipped_request_and_response_round_trip(bool httpGet)
    {
        var sent = ConnectInteropMessages.Everything();
        var client = Client(o => { o.RequestCompression = TwirpCompression.Gzip; o.UseHttpGet = httpGet; });

        var received = await client.QueryAsync(sent);

        Assert.That(received, Is.EqualTo(ConnectInteropMessages.Served(sent, "connect-node", httpGet ? "GET" : "POST")));
        var exchange = _wire.Last("Query");
        Assert.That(exchange.RequestCompression, Is.EqualTo(httpGet ? "compression=gzip" : "gzip"));
        Assert.That(exchange.ResponseContentEncoding, Is.EqualTo("gzip"), "the server gzips every answer to a client that accepts gzip");
    }

    [TestCaseSource(typeof(ConnectInteropMessages), nameof(ConnectInteropMessages.ConnectCodes))]
    public void Error_arrives_with_its_code_message_and_details(TwirpErrorCode code)
    {
        var error = Assert.ThrowsAsync<TwirpException>(() => Client().FailAsync(ConnectInteropMessages.FailRequest(code)));

        Assert.That(error!.Code, Is.EqualTo(code));
        Assert.That(error.Message, Is.EqualTo(ConnectInteropMessages.MessageFor(code)));
        Assert.That(error.Details.Select(d => d.Unpack<FailureDetail>()), Is.EqualTo(ConnectInteropMessages.DetailsFor(code)));
        Assert.That(_wire.Last("Fail").StatusCode, Is.EqualTo(code.ToConnectHttpStatus()));
    }

    [Test]
    public async Task Timeout_is_sent_as_Connect_Timeout_Ms()
    {
        var response = await Client(o => o.Timeout = TimeSpan.FromSeconds(30)).SleepAsync(new SleepRequest { Millis = 0 });

        Assert.That(response.TimeoutHeader, Is.EqualTo("30000"));
    }

    [Test]
    public async Task Call_options_timeout_wins_over_the_clients()
    {
        var options = new TwirpCallOptions { Timeout = TimeSpan.FromMilliseconds(12_345.2) };

        var response = await Client(o => o.Timeout = TimeSpan.FromSeconds(30)).SleepAsync(new SleepRequest { Millis = 0 }, options);

        Assert.That(response.TimeoutHeader, Is.EqualTo("12346"), "whole milliseconds, rounded up");
    }

    [Test]
    public void Call_past_its_timeout_fails_with_deadline_exceeded()
    {
        var stopwatch = Stopwatch.StartNew();

        var error = Assert.ThrowsAsync<TwirpException>(() =>
            Client(o => o.Timeout = TimeSpan.FromMilliseconds(300)).SleepAsync(new SleepRequest { Millis = 20_000 }));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.DeadlineExceeded));
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "the call ends at its deadline, not when the server's sleep would");
    }

    /// <summary>Passes requests through and records what each exchange looked like on the wire.</summary>
    private sealed class WireLog : DelegatingHandler
    {
        private readonly ConcurrentQueue<Exchange> _exchanges = new();

        public Exchange Last(string method) => _exchanges.Last(e => e.Path.EndsWith("/" + method, StringComparison.Ordinal));

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var compression = request.Content?.Headers.ContentEncoding.SingleOrDefault()
                ?? request.RequestUri!.Query.Split('&', '?').SingleOrDefault(p => p.StartsWith("compression=", StringComparison.Ordinal));
            var response = await base.SendAsync(request, cancellationToken);
            _exchanges.Enqueue(new Exchange(
                request.Method.Method,
                request.RequestUri!.AbsolutePath,
                request.Content?.Headers.ContentType?.MediaType,
                compression,
                (int)response.StatusCode,
                response.Content.Headers.ContentEncoding.SingleOrDefault()));
            return response;
        }
    }

    private sealed record Exchange(string Method, string Path, string? RequestContentType, string? RequestCompression, int StatusCode, string? ResponseContentEncoding);
}
