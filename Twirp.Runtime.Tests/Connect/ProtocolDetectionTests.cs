using System.Net.Http;
using System.Threading.Tasks;
using Google.Protobuf;
using NUnit.Framework;
using Twirp.Runtime.Tests.ConnectProbe;

namespace Twirp.Runtime.Tests.Connect;

/// <summary>Which requests are Connect and which stay Twirp, decided per request on the same endpoint.</summary>
public class ProtocolDetectionTests
{
    private static ConnectServer s_server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => s_server = await ConnectServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await s_server.DisposeAsync();

    // contentType, Connect-Protocol-Version header (null: none), protocol the handler sees, response content type
    [TestCase("application/protobuf", null, "Twirp", "application/protobuf")]
    [TestCase("application/json", null, "Twirp", "application/json")]
    [TestCase("application/json; charset=utf-8", null, "Twirp", "application/json")]
    [TestCase("application/proto", null, "Connect", "application/proto")]
    [TestCase("Application/Proto; charset=binary", null, "Connect", "application/proto")]
    [TestCase("application/proto", "1", "Connect", "application/proto")]
    [TestCase("application/json", "1", "Connect", "application/json")]
    [TestCase("application/json; charset=utf-8", "1", "Connect", "application/json")]
    public async Task Post_is_Connect_for_application_proto_or_the_protocol_header_and_Twirp_otherwise(string contentType, string? version, string protocol,
        string responseType)
    {
        var json = contentType.Contains("json");
        var message = new ProbeRequest { Command = "echo" };
        var request = new HttpRequestMessage(HttpMethod.Post, ConnectServer.UpdatePath)
        {
            Content = new ByteArrayContent(json ? System.Text.Encoding.UTF8.GetBytes(TwirpJsonCodec.Default.Formatter.Format(message)) : message.ToByteArray()),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (version is not null)
        {
            request.Headers.Add("Connect-Protocol-Version", version);
        }

        var response = await s_server.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo(responseType));
        var body = json
            ? TwirpJsonCodec.Default.Parser.Parse<ProbeResponse>(await response.Content.ReadAsStringAsync())
            : ProbeResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.That(body.Protocol, Is.EqualTo(protocol));
    }

    [Test]
    public async Task Unsupported_protocol_version_is_invalid_argument()
    {
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest(), json: true);
        request.Headers.Remove("Connect-Protocol-Version");
        request.Headers.Add("Connect-Protocol-Version", "2");

        var error = await ConnectErrorBody.ReadAsync(await s_server.SendAsync(request));

        Assert.That((error.Status, error.Code), Is.EqualTo((400, "invalid_argument")));
        Assert.That(error.Message, Does.Contain("Connect-Protocol-Version must be \"1\""));
    }

    [Test]
    public async Task Twirp_json_with_a_foreign_content_type_stays_Twirps_bad_route()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ConnectServer.UpdatePath) { Content = new StringContent("x", null, "text/plain") };

        var error = await TwirpErrorBody.ReadAsync(await s_server.SendAsync(request));

        Assert.That((error.Status, error.Code, error.Msg), Is.EqualTo((404, "bad_route", "unexpected Content-Type: \"text/plain; charset=utf-8\"")));
    }

    [Test]
    public async Task Get_without_Connect_query_parameters_stays_Twirps_bad_route()
    {
        var error = await TwirpErrorBody.ReadAsync(await s_server.Client.GetAsync(ConnectServer.QueryPath + "?message=%7B%7D"));

        Assert.That((error.Status, error.Code), Is.EqualTo((404, "bad_route")));
        Assert.That(error.Msg, Does.Contain("unsupported method \"GET\""));
    }
}
