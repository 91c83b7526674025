using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Google.Protobuf;
using NUnit.Framework;
using Twirp.Client.Tests.Infrastructure;
using Twirp.Example.Haberdasher;

namespace Twirp.Client.Tests;

public class TwirpClientRequestTests
{
    private static readonly Hat Fedora = new() { Inches = 12, Color = "red", Name = "fedora" };

    [Test]
    public async Task Protobuf_call_posts_the_encoded_request_to_prefix_service_method_and_decodes_the_response()
    {
        var handler = RecordingHandler.Returning(Fedora);
        var client = new HaberdasherClient(handler.CreateClient());

        var hat = await client.MakeHatAsync(new Size { Inches = 12 });

        Assert.That(hat, Is.EqualTo(Fedora));
        var request = handler.Single;
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(request.Uri.ToString(), Is.EqualTo("http://twirp.test/twirp/twirp.example.haberdasher.Haberdasher/MakeHat"));
        Assert.That(request.ContentType, Is.EqualTo("application/protobuf"));
        Assert.That(request.Headers["Accept"], Is.EqualTo("application/protobuf"));
        Assert.That(Size.Parser.ParseFrom(request.Body), Is.EqualTo(new Size { Inches = 12 }));
    }

    [Test]
    public async Task Json_option_sends_compact_proto_json_and_reads_a_json_response()
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Status(200, "{\"inches\":12,\"color\":\"red\",\"name\":\"fedora\"}", "application/json"));
        var client = new HaberdasherClient(handler.CreateClient(), new TwirpClientOptions { Encoding = TwirpEncoding.Json });

        var hat = await client.MakeHatAsync(new Size { Inches = 7 });

        Assert.That(hat, Is.EqualTo(Fedora));
        var request = handler.Single;
        Assert.That(request.ContentType, Is.EqualTo("application/json"));
        Assert.That(request.Headers["Accept"], Is.EqualTo("application/json"));
        Assert.That(System.Text.Encoding.UTF8.GetString(request.Body), Is.EqualTo("{\"inches\":7}"), "compact, like Twirp Go");
    }

    [Test]
    public async Task Empty_request_is_sent_with_an_empty_body_and_an_empty_response_decodes_to_defaults()
    {
        var handler = new RecordingHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Array.Empty<byte>()) });
        var client = new HaberdasherClient(handler.CreateClient());

        var hat = await client.MakeHatAsync(new Size());

        Assert.That(hat, Is.EqualTo(new Hat()));
        Assert.That(handler.Single.Body, Is.Empty);
    }

    [Test]
    public async Task Response_without_a_content_length_is_read_to_its_end()
    {
        // A chunked response: StreamContent over a non-seekable stream has no length.
        var handler = new RecordingHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new NonSeekableStream(Fedora.ToByteArray())),
        });
        var client = new HaberdasherClient(handler.CreateClient());

        Assert.That(await client.MakeHatAsync(new Size()), Is.EqualTo(Fedora));
    }

    [TestCase("/twirp", "http://twirp.test/twirp/twirp.example.haberdasher.Haberdasher/MakeHat")]
    [TestCase("", "http://twirp.test/twirp.example.haberdasher.Haberdasher/MakeHat")]
    [TestCase("/", "http://twirp.test/twirp.example.haberdasher.Haberdasher/MakeHat")]
    [TestCase("api/rpc/", "http://twirp.test/api/rpc/twirp.example.haberdasher.Haberdasher/MakeHat")]
    public async Task Path_prefix_option_sets_the_path_before_the_service(string prefix, string expectedUri)
    {
        var handler = RecordingHandler.Returning(Fedora);
        var client = new HaberdasherClient(handler.CreateClient(), new TwirpClientOptions { PathPrefix = prefix });

        await client.MakeHatAsync(new Size());

        Assert.That(handler.Single.Uri.ToString(), Is.EqualTo(expectedUri));
    }

    [TestCase("http://gateway.test/v1")]
    [TestCase("http://gateway.test/v1/")]
    public async Task Base_address_path_is_kept_with_or_without_a_trailing_slash(string baseAddress)
    {
        var handler = RecordingHandler.Returning(Fedora);
        var client = new HaberdasherClient(handler.CreateClient(baseAddress));

        await client.MakeHatAsync(new Size());

        Assert.That(handler.Single.Uri.ToString(), Is.EqualTo("http://gateway.test/v1/twirp/twirp.example.haberdasher.Haberdasher/MakeHat"));
    }

    [Test]
    public async Task Options_base_address_wins_over_the_http_clients()
    {
        var handler = RecordingHandler.Returning(Fedora);
        var client = new HaberdasherClient(handler.CreateClient("http://ignored.test"), new TwirpClientOptions { BaseAddress = new Uri("http://chosen.test") });

        await client.MakeHatAsync(new Size());

        Assert.That(handler.Single.Uri.Host, Is.EqualTo("chosen.test"));
    }

    [Test]
    public void Client_without_any_base_address_fails_at_construction_with_a_clear_message()
    {
        var error = Assert.Throws<ArgumentException>(() => new HaberdasherClient(new HttpClient()));

        Assert.That(error!.Message, Does.Contain("BaseAddress"));
    }

    [Test]
    public async Task Per_call_headers_are_sent_with_that_call_only()
    {
        var handler = RecordingHandler.Returning(Fedora);
        var client = new HaberdasherClient(handler.CreateClient());
        var options = new TwirpCallOptions { Headers = { ["Authorization"] = "Bearer abc", ["X-Request-Id"] = "42" } };

        await client.MakeHatAsync(new Size(), options);
        await client.MakeHatAsync(new Size());

        var (first, second) = (handler.Requests.First(), handler.Requests.Last());
        Assert.That(first.Headers["Authorization"], Is.EqualTo("Bearer abc"));
        Assert.That(first.Headers["X-Request-Id"], Is.EqualTo("42"));
        Assert.That(second.Headers.ContainsKey("Authorization"), Is.False);
    }

    [Test]
    public void Content_type_cannot_be_overridden_by_a_call_header()
    {
        var handler = RecordingHandler.Returning(Fedora);
        var client = new HaberdasherClient(handler.CreateClient());
        var options = new TwirpCallOptions { Headers = { ["Content-Type"] = "text/plain" } };

        Assert.ThrowsAsync<ArgumentException>(() => client.MakeHatAsync(new Size(), options));
        Assert.That(handler.Requests, Is.Empty, "nothing is sent");
    }

    [Test]
    public async Task Http_clients_default_request_version_is_used()
    {
        Version? seen = null;
        var handler = new LambdaHandler(request =>
        {
            seen = request.Version;
            return RecordingHandler.Protobuf(Fedora);
        });
        var http = new HttpClient(handler) { BaseAddress = new Uri("http://twirp.test"), DefaultRequestVersion = HttpVersion.Version20 };

        await new HaberdasherClient(http).MakeHatAsync(new Size());

        Assert.That(seen, Is.EqualTo(HttpVersion.Version20));
    }

    [Test]
    public void Generated_client_exposes_its_methods_metadata_for_generic_tooling()
    {
        var method = HaberdasherClient.Methods.Single();

        Assert.That(method, Is.SameAs(HaberdasherTwirp.MakeHat));
        Assert.That(method.FullName, Is.EqualTo("twirp.example.haberdasher.Haberdasher/MakeHat"));
        Assert.That(method.RequestType, Is.EqualTo(typeof(Size)));
        Assert.That(method.ResponseType, Is.EqualTo(typeof(Hat)));
        Assert.That(Describe<HaberdasherClient>(), Is.EqualTo(("Haberdasher", "twirp.example.haberdasher.Haberdasher", 1)));
    }

    [Test]
    public void Client_assemblies_do_not_depend_on_ASP_NET_Core()
    {
        var assemblies = new[] { typeof(TwirpClient).Assembly, typeof(TwirpMethod).Assembly };

        var references = assemblies.SelectMany(a => a.GetReferencedAssemblies()).Select(r => r.Name).ToList();

        Assert.That(references, Has.None.StartsWith("Microsoft.AspNetCore"));
    }

    private static (string, string, int) Describe<TClient>() where TClient : TwirpClient, ITwirpClient<TClient> =>
        (TClient.ServiceName, TClient.ServiceFullName, TClient.Methods.Count);

    private sealed class LambdaHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, System.Threading.CancellationToken cancellationToken) =>
            Task.FromResult(respond(request));
    }

    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
