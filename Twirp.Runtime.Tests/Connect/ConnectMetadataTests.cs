using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Google.Protobuf;
using NUnit.Framework;
using Twirp.Runtime.Tests.ConnectProbe;

namespace Twirp.Runtime.Tests.Connect;

/// <summary>Headers, <c>Trailer-</c> trailers and <c>-bin</c> binary metadata.</summary>
public class ConnectMetadataTests
{
    private static ConnectServer s_server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => s_server = await ConnectServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await s_server.DisposeAsync();

    // Conformance "Duplicate Metadata / unary/success": repeated values survive, trailers as Trailer- headers.
    [Test]
    public async Task Trailers_are_sent_as_Trailer_prefixed_headers_beside_the_headers()
    {
        var response = await s_server.SendAsync(ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "metadata" }));

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Headers.GetValues("X-Header"), Is.EqualTo(new[] { "h" }));
        Assert.That(response.Headers.GetValues("Trailer-X-Trailer").SelectMany(v => v.Split(", ")), Is.EqualTo(new[] { "t1", "t2" }));
    }

    [Test]
    public async Task Trailers_of_a_gzipped_answer_are_sent_too()
    {
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "metadata", Payload = ByteString.CopyFrom(new byte[4096]) });
        request.Headers.AcceptEncoding.ParseAdd("gzip");

        var response = await s_server.SendAsync(request);

        Assert.That(response.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "gzip" }));
        Assert.That(response.Headers.Contains("Trailer-X-Trailer"), Is.True);
    }

    [Test]
    public async Task Twirp_answers_carry_no_trailers()
    {
        var request = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Post, ConnectServer.UpdatePath)
        {
            Content = new System.Net.Http.StringContent("{\"command\":\"metadata\"}", null, "application/json"),
        };

        var response = await s_server.SendAsync(request);

        Assert.That(response.Headers.GetValues("X-Header"), Is.EqualTo(new[] { "h" }));
        Assert.That(response.Headers.Contains("Trailer-X-Trailer"), Is.False);
    }

    [TestCase("AP9/gA")]
    [TestCase("AP9/gA==")]
    [TestCase("AP9_gA")]
    public async Task Binary_headers_are_read_padded_or_not_and_written_unpadded(string requestValue)
    {
        var response = await s_server.SendAsync(ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "binary" },
            headers: new Dictionary<string, string> { ["X-Data-Bin"] = requestValue }));

        var body = ProbeResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.That(body.Payload.ToByteArray(), Is.EqualTo(new byte[] { 0x00, 0xff, 0x7f, 0x80 }));
        Assert.That(response.Headers.GetValues("X-Reply-Bin"), Is.EqualTo(new[] { "AP9/gA" }));
    }

    [Test]
    public void Binary_header_helpers_refuse_names_without_the_bin_suffix()
    {
        var headers = new Microsoft.AspNetCore.Http.HeaderDictionary();

        Assert.Throws<ArgumentException>(() => headers.SetBinaryValue("X-Data", [1]));
        Assert.Throws<ArgumentException>(() => headers.GetBinaryValue("X-Data"));
        Assert.That(headers.GetBinaryValue("X-Missing-Bin"), Is.Null);
    }
}
