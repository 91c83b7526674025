using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.Client.Tests.Infrastructure;
using Twirp.Interop;

namespace Twirp.Client.Tests.Interop;

/// <summary>
/// A protobuf-ts client (<c>@protobuf-ts/twirp-transport</c>, Node.js) calling our server on Kestrel,
/// over protobuf and JSON. One node run per encoding makes every call and reports what it got.
/// </summary>
[TestFixture(TwirpEncoding.Protobuf)]
[TestFixture(TwirpEncoding.Json)]
[Category("Interop")]
public class TheirClientOurServerTests(TwirpEncoding encoding)
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    private KestrelApp _server = null!;
    private Received _received = null!;
    private JsonElement _report;

    /// <summary>What our server was sent, to check the client's encoding as well as its decoding.</summary>
    public sealed class Received
    {
        public ConcurrentQueue<Everything> Echoes { get; } = new();
    }

    public sealed class OurInteropService(Received received) : InteropBase
    {
        public override Task<Everything> Echo(Everything request, TwirpContext context)
        {
            received.Echoes.Enqueue(request.Clone());
            return Task.FromResult(InteropMessages.ServedBy(request, "twirp-dotnet"));
        }

        public override Task<FailResponse> Fail(FailRequest request, TwirpContext context)
        {
            TwirpErrorCodes.TryParse(request.Code, out var code);
            throw new TwirpException(code, request.Msg, new Dictionary<string, string>(request.Meta));
        }
    }

    [OneTimeSetUp]
    public async Task RunTheirClient()
    {
        _received = new Received();
        _server = await KestrelApp.StartAsync(app => app.MapTwirp<OurInteropService>(), services => services.AddSingleton(_received));
        var job = new
        {
            baseUrl = new System.Uri(_server.BaseAddress, "twirp").ToString(),
            sendJson = encoding == TwirpEncoding.Json,
            echo = JsonDocument.Parse(JsonFormatter.Default.Format(InteropMessages.Everything())).RootElement,
            failures = InteropMessages.AllCodes.Select(code => new
            {
                code = code.ToWireName(),
                msg = InteropMessages.MessageFor(code),
                meta = InteropMessages.MetaFor(code),
            }).ToArray(),
        };
        _report = await NodeProject.Twirp.RunAsync("client.ts", job);
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
        Assert.That(_received.Echoes, Has.Count.EqualTo(1));
        Assert.That(_received.Echoes.Single(), Is.EqualTo(InteropMessages.Everything()));
    }

    [Test]
    public void Their_client_decodes_our_response_with_every_field_kind()
    {
        var echoed = Parser.Parse<Everything>(_report.GetProperty("echo").GetRawText());

        Assert.That(echoed, Is.EqualTo(InteropMessages.ServedBy(InteropMessages.Everything(), "twirp-dotnet")));
    }

    [TestCaseSource(typeof(InteropMessages), nameof(InteropMessages.AllCodes))]
    public void Their_client_reads_our_error_with_its_code_message_and_meta(TwirpErrorCode code)
    {
        var errors = _report.GetProperty("errors").EnumerateArray().ToList();
        var error = errors[InteropMessages.AllCodes.ToList().IndexOf(code)];

        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo(code.ToWireName()));
        Assert.That(error.GetProperty("msg").GetString(), Is.EqualTo(InteropMessages.MessageFor(code)));
        var meta = error.GetProperty("meta").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.That(meta, Is.EquivalentTo(InteropMessages.MetaFor(code)));
    }
}
