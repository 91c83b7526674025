using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using NUnit.Framework;
using Twirp.Runtime.Tests.ConnectProbe;

namespace Twirp.Runtime.Tests.Connect;

public class ConnectErrorTests
{
    private static ConnectServer s_server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => s_server = await ConnectServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await s_server.DisposeAsync();

    private static TwirpErrorCode[] AllCodes => System.Enum.GetValues<TwirpErrorCode>();

    [TestCaseSource(nameof(AllCodes))]
    public async Task Every_code_gets_Connects_status_and_body_with_details_meta_as_headers_and_trailers(TwirpErrorCode code)
    {
        var response = await s_server.SendAsync(ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "error:" + code.ToWireName() }));
        var error = await ConnectErrorBody.ReadAsync(response);

        Assert.That(error.Status, Is.EqualTo(code.ToConnectHttpStatus()));
        Assert.That(error.ContentType, Is.EqualTo("application/json"));
        Assert.That(error.Code, Is.EqualTo(code.ToConnectCode()));
        Assert.That(error.Message, Is.EqualTo("it's " + code.ToWireName()));
        Assert.That(error.Details, Has.Length.EqualTo(1));
        Assert.That(error.Details[0].GetProperty("type").GetString(), Is.EqualTo("google.protobuf.StringValue"));
        var value = Convert.FromBase64String(error.Details[0].GetProperty("value").GetString()!.PadRight(12, '='));
        Assert.That(StringValue.Parser.ParseFrom(value).Value, Is.EqualTo("detail"));
        Assert.That(response.Headers.GetValues("k"), Is.EqualTo(new[] { "v" }));
        Assert.That(response.Headers.GetValues("Trailer-X-Trailer"), Is.EqualTo(new[] { "on-error" }));
    }

    [TestCaseSource(nameof(AllCodes))]
    public async Task Twirp_callers_of_the_same_endpoint_still_get_Twirps_status_and_body(TwirpErrorCode code)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ConnectServer.UpdatePath)
        {
            Content = new ByteArrayContent(new ProbeRequest { Command = "error:" + code.ToWireName() }.ToByteArray()),
        };
        request.Content.Headers.ContentType = new("application/protobuf");
        var response = await s_server.SendAsync(request);
        var error = await TwirpErrorBody.ReadAsync(response);

        Assert.That((error.Status, error.Code, error.Msg), Is.EqualTo((code.ToHttpStatus(), code.ToWireName(), "it's " + code.ToWireName())));
        Assert.That(error.Meta, Is.EqualTo(new System.Collections.Generic.Dictionary<string, string> { ["k"] = "v" }));
        Assert.That(error.Raw, Does.Not.Contain("details"));
        Assert.That(response.Headers.Any(h => h.Key.StartsWith("Trailer-", StringComparison.Ordinal) || h.Key == "k"), Is.False);
    }

    [Test]
    public async Task A_message_that_does_not_decode_is_invalid_argument()
    {
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest());
        request.Content = new ByteArrayContent([0xff, 0xff, 0xff]);
        request.Content.Headers.ContentType = new("application/proto");
        var error = await ConnectErrorBody.ReadAsync(await s_server.SendAsync(request));

        Assert.That((error.Status, error.Code), Is.EqualTo((400, "invalid_argument")));
        Assert.That(error.Message, Is.EqualTo("the protobuf request could not be decoded"));
    }

    [Test]
    public async Task Json_messages_decode_and_answer_as_json()
    {
        var response = await s_server.SendAsync(ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "hi" }, json: true));

        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        var body = TwirpJsonCodec.Default.Parser.Parse<ProbeResponse>(await response.Content.ReadAsStringAsync());
        Assert.That((body.Command, body.Protocol), Is.EqualTo(("hi", "Connect")));
    }
}
