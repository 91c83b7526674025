using System.Threading.Tasks;
using NUnit.Framework;
using Twirp.Interop;
using Twirp.Client.Tests.Infrastructure;
using Twirp.Testing;

namespace Twirp.Client.Tests.Interop;

/// <summary>Our generated client calling a twirp-ts server (Node.js), over protobuf and JSON.</summary>
[TestFixture(TwirpEncoding.Protobuf)]
[TestFixture(TwirpEncoding.Json)]
[Category("Interop")]
public class OurClientTheirServerTests(TwirpEncoding encoding)
{
    private NodeServer _server = null!;
    private System.Net.Http.HttpClient _http = null!;
    private InteropClient _client = null!;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = await NodeProject.Twirp.StartServerAsync();
        _http = new System.Net.Http.HttpClient { BaseAddress = _server.BaseAddress, Timeout = NodeProcess.Deadline };
        _client = new InteropClient(_http, new TwirpClientOptions { Encoding = encoding });
    }

    [OneTimeTearDown]
    public void StopServer()
    {
        _http?.Dispose();
        _server?.Dispose();
    }

    [Test]
    public async Task Message_with_every_field_kind_round_trips()
    {
        var sent = InteropMessages.Everything();

        var received = await _client.EchoAsync(sent);

        Assert.That(received, Is.EqualTo(InteropMessages.ServedBy(sent, "twirp-ts")));
    }

    [Test]
    public async Task Empty_message_round_trips_as_empty()
    {
        var received = await _client.EchoAsync(InteropMessages.Empty());

        Assert.That(received, Is.EqualTo(InteropMessages.ServedBy(InteropMessages.Empty(), "twirp-ts")));
    }

    [TestCaseSource(typeof(InteropMessages), nameof(InteropMessages.AllCodes))]
    public void Error_arrives_with_its_code_message_and_meta(TwirpErrorCode code)
    {
        var request = new FailRequest { Code = code.ToWireName(), Msg = InteropMessages.MessageFor(code) };
        request.Meta.Add(InteropMessages.MetaFor(code));

        var error = Assert.ThrowsAsync<TwirpException>(() => _client.FailAsync(request));

        Assert.That(error!.Code, Is.EqualTo(code));
        Assert.That(error.Message, Is.EqualTo(InteropMessages.MessageFor(code)));
        Assert.That(error.Meta, Is.EquivalentTo(InteropMessages.MetaFor(code)));
    }
}
