using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.Client.Tests.Infrastructure;
using Twirp.ConnectInterop;

namespace Twirp.Client.Tests.ConnectInterop;

/// <summary>
/// A @connectrpc/connect-node client calling our server on Kestrel through <c>MapTwirp</c>: Connect
/// binary and JSON, GET, gzip. One node run per fixture makes every call and reports what it got.
/// </summary>
[TestFixture(TwirpEncoding.Protobuf, false, false)]
[TestFixture(TwirpEncoding.Json, false, false)]
[TestFixture(TwirpEncoding.Protobuf, true, true)]
[TestFixture(TwirpEncoding.Json, true, true)]
[Category("Interop")]
public class TheirConnectClientOurServerTests(TwirpEncoding encoding, bool httpGet, bool gzip)
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithTypeRegistry(ConnectInteropMessages.Registry));

    private KestrelApp _server = null!;
    private OurConnectInteropService.Received _received = null!;
    private JsonElement _report;

    [OneTimeSetUp]
    public async Task RunTheirClient()
    {
        _received = new OurConnectInteropService.Received();
        _server = await OurConnectInteropService.StartAsync(_received);
        var job = new
        {
            baseUrl = new Uri(_server.BaseAddress, "twirp").ToString(),
            binary = encoding == TwirpEncoding.Protobuf,
            httpGet,
            gzip,
            echo = JsonDocument.Parse(new JsonFormatter(JsonFormatter.Settings.Default.WithTypeRegistry(ConnectInteropMessages.Registry))
                .Format(ConnectInteropMessages.Everything())).RootElement,
            failures = ConnectInteropMessages.ConnectCodes.Select(code => new
            {
                code = code.ToConnectCode(),
                message = ConnectInteropMessages.MessageFor(code),
                details = ConnectInteropMessages.DetailsFor(code).Select(d => new { reason = d.Reason, number = d.Number.ToString() }).ToArray(),
            }).ToArray(),
            sleep = new { millis = 20_000, timeoutMs = 300 },
        };
        _report = await NodeProject.Connect.RunAsync("client.ts", job);
    }

    [OneTimeTearDown]
    public async Task StopServer()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    public void Our_server_decodes_their_message_with_every_field_kind()
    {
        var echoed = _received.Calls.Where(c => c.Method == "Echo").ToList();

        Assert.That(echoed, Has.Count.EqualTo(1));
        Assert.That(echoed[0].Request, Is.EqualTo(ConnectInteropMessages.Everything()));
        Assert.That(echoed[0].Protocol, Is.EqualTo(TwirpProtocol.Connect));
        Assert.That(echoed[0].ContentEncoding, Is.EqualTo(gzip ? "gzip" : ""));
    }

    [Test]
    public void Their_client_decodes_our_response_with_every_field_kind()
    {
        var echoed = Parser.Parse<Everything>(_report.GetProperty("echo").GetRawText());

        Assert.That(echoed, Is.EqualTo(ConnectInteropMessages.Served(ConnectInteropMessages.Everything(), "twirp-dotnet")));
    }

    [Test]
    public void Side_effect_free_method_is_called_with_GET_when_their_client_asks()
    {
        var queried = Parser.Parse<Everything>(_report.GetProperty("query").GetRawText());

        var method = httpGet ? "GET" : "POST";
        Assert.That(queried, Is.EqualTo(ConnectInteropMessages.Served(ConnectInteropMessages.Everything(), "twirp-dotnet", method)));
    }

    [TestCaseSource(typeof(ConnectInteropMessages), nameof(ConnectInteropMessages.ConnectCodes))]
    public void Their_client_reads_our_error_with_its_code_message_and_details(TwirpErrorCode code)
    {
        var errors = _report.GetProperty("errors").EnumerateArray().ToList();
        var error = errors[ConnectInteropMessages.ConnectCodes.ToList().IndexOf(code)];

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo(code.ToConnectCode()));
        Assert.That(error.GetProperty("message").GetString(), Is.EqualTo(ConnectInteropMessages.MessageFor(code)));
        var details = error.GetProperty("details").EnumerateArray().ToList();
        Assert.That(details.Select(d => d.GetProperty("type").GetString()), Is.All.EqualTo(FailureDetail.Descriptor.FullName));
        Assert.That(details.Select(d => FailureDetail.Parser.ParseFrom(Convert.FromBase64String(d.GetProperty("value").GetString()!))),
            Is.EqualTo(ConnectInteropMessages.DetailsFor(code)));
    }

    [Test]
    public void Their_timeout_reaches_our_handler_and_ends_the_call_with_deadline_exceeded()
    {
        var sleep = _report.GetProperty("sleep");

        Assert.That(sleep.GetProperty("code").GetString(), Is.EqualTo("deadline_exceeded"));
        Assert.That(sleep.GetProperty("elapsedMs").GetInt32(), Is.LessThan(10_000), "not the 20 s the handler would sleep");
        var slept = _received.Calls.Single(c => c.Method == "Sleep");
        Assert.That(slept.TimeoutHeader, Is.Not.Empty.And.Matches(@"^\d+$"));
        Assert.That(int.Parse(slept.TimeoutHeader), Is.InRange(1, 300));
    }
}

/// <summary>Our side of connect_interop.proto, recording what it was sent.</summary>
public sealed class OurConnectInteropService(OurConnectInteropService.Received received) : ConnectInteropBase
{
    public sealed record Call(string Method, IMessage Request, TwirpProtocol Protocol, string ContentEncoding, string TimeoutHeader);

    public sealed class Received
    {
        public ConcurrentQueue<Call> Calls { get; } = new();
    }

    public static Task<KestrelApp> StartAsync(Received received, Action<WebApplication>? configure = null, Action<IServiceCollection>? configureServices = null) =>
        KestrelApp.StartAsync(
            app =>
            {
                configure?.Invoke(app);
                app.MapTwirp<OurConnectInteropService>();
            },
            services =>
            {
                services.AddSingleton(received);
                services.Configure<TwirpOptions>(o => o.Json.TypeRegistry = ConnectInteropMessages.Registry);
                configureServices?.Invoke(services);
            });

    private void Record(string method, IMessage request, TwirpContext context) =>
        received.Calls.Enqueue(new Call(method, request, context.Protocol,
            context.RequestHeaders.ContentEncoding.ToString(), context.RequestHeaders["Connect-Timeout-Ms"].ToString()));

    public override Task<Everything> Echo(Everything request, TwirpContext context)
    {
        Record(nameof(Echo), request, context);
        return Task.FromResult(ConnectInteropMessages.Served(request, "twirp-dotnet"));
    }

    public override Task<Everything> Query(Everything request, TwirpContext context)
    {
        Record(nameof(Query), request, context);
        return Task.FromResult(ConnectInteropMessages.Served(request, "twirp-dotnet", context.GetHttpContext()!.Request.Method));
    }

    public override Task<FailResponse> Fail(FailRequest request, TwirpContext context)
    {
        Record(nameof(Fail), request, context);
        ConnectErrorCodes.TryParse(request.Code, out var code);
        throw new TwirpException(code, request.Message).WithDetails(request.Details.ToArray());
    }

    public override async Task<SleepResponse> Sleep(SleepRequest request, TwirpContext context)
    {
        Record(nameof(Sleep), request, context);
        await Task.Delay(request.Millis, context.CancellationToken);
        return new SleepResponse { TimeoutHeader = context.RequestHeaders["Connect-Timeout-Ms"].ToString() };
    }
}
