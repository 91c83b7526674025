using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Google.Protobuf;
using NUnit.Framework;
using Twirp.Runtime.Tests.ConnectProbe;

namespace Twirp.Runtime.Tests.Connect;

/// <summary>Connect's GET for methods marked <c>idempotency_level = NO_SIDE_EFFECTS</c>.</summary>
public class ConnectGetTests
{
    private static ConnectServer s_server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => s_server = await ConnectServer.StartAsync(o => o.MaxRequestBodySize = 64 * 1024);

    [OneTimeTearDown]
    public async Task StopAsync() => await s_server.DisposeAsync();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static ProbeRequest Request => new() { Command = "echo", Payload = ByteString.CopyFrom(0, 0xff, 0x7f, (byte)'+', (byte)'&') };

    // Conformance "Connect with GET / success", proto codec.
    [Test]
    public async Task Base64_proto_message_in_the_query_is_answered_with_a_cacheable_response()
    {
        var response = await s_server.Client.GetAsync($"{ConnectServer.QueryPath}?connect=v1&encoding=proto&base64=1&message={Base64Url(Request.ToByteArray())}");

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/proto"));
        Assert.That(response.Headers.Vary, Does.Contain("Accept-Encoding"));
        var body = ProbeResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.That((body.Payload, body.Protocol), Is.EqualTo((Request.Payload, "Connect")));
    }

    // Conformance "Connect with GET / success", json codec.
    [Test]
    public async Task Percent_encoded_json_message_in_the_query_is_answered_as_json()
    {
        var json = Uri.EscapeDataString(TwirpJsonCodec.Default.Formatter.Format(Request));
        var response = await s_server.Client.GetAsync($"{ConnectServer.QueryPath}?encoding=json&message={json}&connect=v1");

        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        var body = TwirpJsonCodec.Default.Parser.Parse<ProbeResponse>(await response.Content.ReadAsStringAsync());
        Assert.That(body.Payload, Is.EqualTo(Request.Payload));
    }

    [Test]
    public async Task Percent_encoded_binary_message_is_read_byte_for_byte()
    {
        var escaped = string.Concat(Request.ToByteArray().Select(b => "%" + b.ToString("X2")));
        var response = await s_server.Client.GetAsync($"{ConnectServer.QueryPath}?encoding=proto&message={escaped}");

        Assert.That(ProbeResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Payload, Is.EqualTo(Request.Payload));
    }

    [Test]
    public async Task Gzip_compressed_message_is_inflated()
    {
        var response = await s_server.Client.GetAsync(
            $"{ConnectServer.QueryPath}?connect=v1&encoding=proto&base64=1&compression=gzip&message={Base64Url(ConnectServer.Gzip(Request.ToByteArray()))}");

        Assert.That(ProbeResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Payload, Is.EqualTo(Request.Payload));
    }

    [Test]
    public async Task Missing_message_is_invalid_argument()
    {
        var error = await ConnectErrorBody.ReadAsync(await s_server.Client.GetAsync($"{ConnectServer.QueryPath}?connect=v1&encoding=proto"));

        Assert.That((error.Status, error.Code, error.Message), Is.EqualTo((400, "invalid_argument", "missing message parameter")));
    }

    [TestCase("connect=v1&encoding=xml&message=x")]
    [TestCase("connect=v1&message=x")]
    public async Task Unknown_or_missing_encoding_is_415(string query)
    {
        var response = await s_server.Client.GetAsync($"{ConnectServer.QueryPath}?{query}");

        Assert.That((int)response.StatusCode, Is.EqualTo(415));
    }

    [Test]
    public async Task Wrong_connect_version_is_invalid_argument()
    {
        var error = await ConnectErrorBody.ReadAsync(await s_server.Client.GetAsync($"{ConnectServer.QueryPath}?connect=v2&encoding=json&message=%7B%7D"));

        Assert.That((error.Status, error.Code), Is.EqualTo((400, "invalid_argument")));
    }

    [Test]
    public async Task Message_that_is_not_base64_is_invalid_argument()
    {
        var error = await ConnectErrorBody.ReadAsync(await s_server.Client.GetAsync($"{ConnectServer.QueryPath}?encoding=proto&base64=1&message=%2A%2A%2A"));

        Assert.That((error.Status, error.Code), Is.EqualTo((400, "invalid_argument")));
    }

    [Test]
    public async Task Message_over_the_body_limit_is_resource_exhausted_even_when_it_inflates_past_it()
    {
        var big = new ProbeRequest { Payload = ByteString.CopyFrom(new byte[200 * 1024]) }.ToByteArray();
        var error = await ConnectErrorBody.ReadAsync(await s_server.Client.GetAsync(
            $"{ConnectServer.QueryPath}?encoding=proto&base64=1&compression=gzip&message={Base64Url(ConnectServer.Gzip(big))}"));

        Assert.That((error.Status, error.Code), Is.EqualTo((429, "resource_exhausted")));
    }

    [Test]
    public async Task Get_with_a_body_is_415()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{ConnectServer.QueryPath}?connect=v1&encoding=json&message=%7B%7D") { Content = new StringContent("{}") };

        var response = await s_server.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(415));
    }
}
