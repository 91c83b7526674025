using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Net.Http;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.Runtime.Tests.ConnectProbe;

namespace Twirp.Runtime.Tests.Connect;

/// <summary>gzip and identity request and response bodies, and the body limit on the decompressed size.</summary>
public class CompressionTests
{
    private const int Limit = 4 * 1024 * 1024;

    private static ConnectServer s_server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => s_server = await ConnectServer.StartAsync(o => o.MaxRequestBodySize = Limit);

    [OneTimeTearDown]
    public async Task StopAsync() => await s_server.DisposeAsync();

    private static HttpRequestMessage GzipPost(ProbeRequest message, string contentType = "application/proto", bool connect = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ConnectServer.UpdatePath) { Content = new ByteArrayContent(ConnectServer.Gzip(message.ToByteArray())) };
        request.Content.Headers.ContentType = new(contentType);
        request.Content.Headers.ContentEncoding.Add("gzip");
        if (connect)
        {
            request.Headers.Add("Connect-Protocol-Version", "1");
        }
        return request;
    }

    [Test]
    public async Task Gzip_request_is_inflated_and_a_large_answer_is_gzipped_back()
    {
        var response = await s_server.SendAsync(GzipPost(new ProbeRequest { Command = "big", Size = 64 * 1024 }));

        Assert.That(response.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "gzip" }));
        var compressed = await response.Content.ReadAsByteArrayAsync();
        Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(compressed.Length));
        Assert.That(compressed.Length, Is.LessThan(4 * 1024));
        Assert.That(ProbeResponse.Parser.ParseFrom(ConnectServer.Gunzip(compressed)).Payload.Length, Is.EqualTo(64 * 1024));
    }

    [Test]
    public async Task Accept_Encoding_gzip_alone_gets_a_gzipped_answer()
    {
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "big", Size = 8 * 1024 });
        request.Headers.AcceptEncoding.ParseAdd("br, gzip");

        var response = await s_server.SendAsync(request);

        Assert.That(response.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "gzip" }));
        Assert.That(ProbeResponse.Parser.ParseFrom(ConnectServer.Gunzip(await response.Content.ReadAsByteArrayAsync())).Payload.Length, Is.EqualTo(8 * 1024));
    }

    [TestCase("gzip;q=0")]
    [TestCase("identity")]
    [TestCase("br")]
    public async Task Answer_stays_uncompressed_unless_gzip_is_accepted(string acceptEncoding)
    {
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "big", Size = 8 * 1024 });
        request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);

        var response = await s_server.SendAsync(request);

        Assert.That(response.Content.Headers.ContentEncoding, Is.Empty);
        Assert.That(ProbeResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Payload.Length, Is.EqualTo(8 * 1024));
    }

    [Test]
    public async Task Small_answers_are_not_compressed_even_when_gzip_is_accepted()
    {
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "small" });
        request.Headers.AcceptEncoding.ParseAdd("gzip");

        var response = await s_server.SendAsync(request);

        Assert.That(response.Content.Headers.ContentEncoding, Is.Empty);
        Assert.That(ProbeResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Command, Is.EqualTo("small"));
    }

    [Test]
    public async Task ConnectCompressMinBytes_zero_gzips_even_a_small_answer_as_connect_go_does_by_default()
    {
        await using var server = await ConnectServer.StartAsync(o => o.ConnectCompressMinBytes = 0);
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "small" });
        request.Headers.AcceptEncoding.ParseAdd("gzip");

        var response = await server.SendAsync(request);

        Assert.That(response.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "gzip" }));
        Assert.That(ProbeResponse.Parser.ParseFrom(ConnectServer.Gunzip(await response.Content.ReadAsByteArrayAsync())).Command, Is.EqualTo("small"));
    }

    [Test]
    public async Task A_services_ConnectCompressMinBytes_overrides_the_global_one()
    {
        await using var server = await ConnectServer.StartAsync(o => o.ConnectCompressMinBytes = 0,
            configureServices: services => services.AddTwirp().AddServiceOptions<ProbeService>(o => o.ConnectCompressMinBytes = 1024 * 1024));
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "big", Size = 64 * 1024 });
        request.Headers.AcceptEncoding.ParseAdd("gzip");

        var response = await server.SendAsync(request);

        Assert.That(response.Content.Headers.ContentEncoding, Is.Empty, "64 KiB is under the service's 1 MiB");
        Assert.That(ProbeResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Payload.Length, Is.EqualTo(64 * 1024));
    }

    [Test]
    public async Task ConnectCompressMinBytes_is_read_from_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Twirp:ConnectCompressMinBytes"] = "0" })
            .Build();
        await using var server = await ConnectServer.StartAsync(configureServices: services => services.AddTwirp().BindConfiguration(configuration.GetSection("Twirp")));
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "small" });
        request.Headers.AcceptEncoding.ParseAdd("gzip");

        var response = await server.SendAsync(request);

        Assert.That(response.Content.Headers.ContentEncoding, Is.EqualTo(new[] { "gzip" }));
    }

    [Test]
    public void A_ConnectCompressMinBytes_that_is_not_a_number_stops_the_app_at_startup()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Twirp:ConnectCompressMinBytes"] = "1 KiB" })
            .Build();

        var error = Assert.ThrowsAsync<InvalidOperationException>(() =>
            ConnectServer.StartAsync(configureServices: services => services.AddTwirp().BindConfiguration(configuration.GetSection("Twirp"))));

        Assert.That(error!.Message, Does.Contain("Twirp:ConnectCompressMinBytes").And.Contain("1 KiB"));
    }

    // Conformance "Connect Unexpected Requests / unexpected-compression".
    [Test]
    public async Task Unknown_request_compression_is_unimplemented_listing_what_is_supported()
    {
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest());
        request.Content!.Headers.ContentEncoding.Add("foo");

        var error = await ConnectErrorBody.ReadAsync(await s_server.SendAsync(request));

        Assert.That((error.Status, error.Code), Is.EqualTo((501, "unimplemented")));
        Assert.That(error.Response.Headers.GetValues("Accept-Encoding"), Is.EqualTo(new[] { "gzip, identity" }));
    }

    // Conformance "Server Message Size / unary/request-exceeds-server-limit".
    [Test]
    public async Task Body_over_the_limit_is_resource_exhausted()
    {
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Payload = ByteString.CopyFrom(new byte[Limit + 10]) });
        request.Headers.ConnectionClose = true;

        var error = await ConnectErrorBody.ReadAsync(await s_server.SendAsync(request));

        Assert.That((error.Status, error.Code), Is.EqualTo((429, "resource_exhausted")));
    }

    [Test]
    public async Task Body_that_is_not_gzip_is_invalid_argument()
    {
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "x" });
        request.Content!.Headers.ContentEncoding.Add("gzip");

        var error = await ConnectErrorBody.ReadAsync(await s_server.SendAsync(request));

        Assert.That((error.Status, error.Code, error.Message), Is.EqualTo((400, "invalid_argument", "the request body is not valid gzip")));
    }

    [Test]
    public async Task Gzip_bomb_is_refused_as_resource_exhausted_without_being_inflated_whole()
    {
        var request = WithBody(GzipPost(new ProbeRequest()), Bomb(256 * 1024 * 1024));
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var error = await ConnectErrorBody.ReadAsync(await s_server.SendAsync(request));

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.That((error.Status, error.Code), Is.EqualTo((429, "resource_exhausted")));
        Assert.That(error.Message, Does.Contain("decompressed"));
        // Client and server share this process: everything both allocated stays far below the 256 MB
        // the bomb holds (the limit is 4 MB).
        Assert.That(allocated, Is.LessThan(32L * 1024 * 1024));
    }

    [Test]
    public async Task Twirp_requests_may_be_gzipped_too_and_a_bomb_is_refused_the_same_way()
    {
        var ok = await s_server.SendAsync(GzipPost(new ProbeRequest { Command = "twirp" }, "application/protobuf", connect: false));
        var bombed = await TwirpErrorBody.ReadAsync(await s_server.SendAsync(WithBody(GzipPost(new ProbeRequest(), "application/protobuf", connect: false), Bomb(64 * 1024 * 1024))));

        Assert.That(ProbeResponse.Parser.ParseFrom(await ok.Content.ReadAsByteArrayAsync()).Protocol, Is.EqualTo("Twirp"));
        Assert.That((bombed.Status, bombed.Code), Is.EqualTo((429, "resource_exhausted")));
    }

    [Test]
    public async Task Twirp_answers_are_never_compressed_and_unknown_request_encodings_are_malformed()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, ConnectServer.UpdatePath) { Content = new ByteArrayContent(new ProbeRequest { Command = "big", Size = 8192 }.ToByteArray()) };
        request.Content.Headers.ContentType = new("application/protobuf");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        var brotli = new HttpRequestMessage(HttpMethod.Post, ConnectServer.UpdatePath) { Content = new ByteArrayContent([]) };
        brotli.Content.Headers.ContentType = new("application/protobuf");
        brotli.Content.Headers.ContentEncoding.Add("br");

        var response = await s_server.SendAsync(request);
        var error = await TwirpErrorBody.ReadAsync(await s_server.SendAsync(brotli));

        Assert.That(response.Content.Headers.ContentEncoding, Is.Empty);
        Assert.That(ProbeResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Payload.Length, Is.EqualTo(8192));
        Assert.That((error.Status, error.Code), Is.EqualTo((400, "malformed")));
    }

    /// <summary>
    /// A body the server refuses before reading it whole: Kestrel may close the connection after the answer,
    /// when it gives up draining the rest, and a pooled connection closing under the next test's request
    /// fails that test. Closing it on the client's side keeps the tests apart.
    /// </summary>
    private static HttpRequestMessage WithBody(HttpRequestMessage request, byte[] body)
    {
        request.Headers.ConnectionClose = true;
        var content = new ByteArrayContent(body);
        foreach (var header in request.Content!.Headers)
        {
            content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        content.Headers.ContentLength = body.Length;
        request.Content = content;
        return request;
    }

    // Zeros compress about 1000:1, so the bomb is small on the wire and huge inflated.
    private static byte[] Bomb(int inflatedSize)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            var zeros = new byte[1024 * 1024];
            for (var written = 0; written < inflatedSize; written += zeros.Length)
            {
                gzip.Write(zeros);
            }
        }
        return output.ToArray();
    }
}
