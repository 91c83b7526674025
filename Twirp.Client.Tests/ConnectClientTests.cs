using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using System.Web;
using Google.Protobuf;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using Twirp.Client.Tests.Infrastructure;
using Twirp.ConnectInterop;
using Twirp.Example.Haberdasher;

namespace Twirp.Client.Tests;

/// <summary>
/// What the client puts on the wire under <c>Protocol = Connect</c>, and how it reads answers, against
/// an in-memory handler. The suite against a real Connect server is ConnectInterop/.
/// </summary>
public class ConnectClientTests
{
    private static readonly Hat Fedora = new() { Inches = 12, Color = "red", Name = "fedora" };

    private static HttpResponseMessage Proto(IMessage message, string contentType = "application/proto") => new(HttpStatusCode.OK)
    {
        Content = new ByteArrayContent(message.ToByteArray()) { Headers = { { "Content-Type", contentType } } },
    };

    private static HttpResponseMessage Gzipped(int status, byte[] body, string contentType)
    {
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }
        var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        content.Headers.TryAddWithoutValidation("Content-Encoding", "gzip");
        return new HttpResponseMessage((HttpStatusCode)status) { Content = content };
    }

    private static byte[] Gunzip(byte[] body)
    {
        using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    private static TwirpClientOptions Connect(TwirpEncoding encoding = TwirpEncoding.Protobuf) =>
        new() { Protocol = TwirpProtocol.Connect, Encoding = encoding };

    [Test]
    public async Task Connect_binary_call_posts_application_proto_with_the_protocol_version()
    {
        var handler = new RecordingHandler(_ => Proto(Fedora));
        var client = new HaberdasherClient(handler.CreateClient(), Connect());

        var hat = await client.MakeHatAsync(new Size { Inches = 12 });

        Assert.That(hat, Is.EqualTo(Fedora));
        var request = handler.Single;
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(request.Uri.ToString(), Is.EqualTo("http://twirp.test/twirp/twirp.example.haberdasher.Haberdasher/MakeHat"));
        Assert.That(request.ContentType, Is.EqualTo("application/proto"));
        Assert.That(request.Headers["Connect-Protocol-Version"], Is.EqualTo("1"));
        Assert.That(request.Headers["Accept-Encoding"], Is.EqualTo("gzip"));
        Assert.That(request.Headers.ContainsKey("Connect-Timeout-Ms"), Is.False, "no timeout was set");
        Assert.That(Size.Parser.ParseFrom(request.Body), Is.EqualTo(new Size { Inches = 12 }));
    }

    [Test]
    public async Task Connect_json_call_posts_application_json_with_the_protocol_version()
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Status(200, "{\"inches\":12,\"color\":\"red\",\"name\":\"fedora\"}", "application/json"));
        var client = new HaberdasherClient(handler.CreateClient(), Connect(TwirpEncoding.Json));

        var hat = await client.MakeHatAsync(new Size { Inches = 7 });

        Assert.That(hat, Is.EqualTo(Fedora));
        Assert.That(handler.Single.ContentType, Is.EqualTo("application/json"));
        Assert.That(handler.Single.Headers["Connect-Protocol-Version"], Is.EqualTo("1"));
        Assert.That(System.Text.Encoding.UTF8.GetString(handler.Single.Body), Is.EqualTo("{\"inches\":7}"));
    }

    [Test]
    public async Task Binary_GET_carries_the_message_in_unpadded_url_safe_base64()
    {
        var handler = new RecordingHandler(_ => Proto(new Everything { ServedBy = "x" }));
        var options = Connect();
        options.UseHttpGet = true;
        var sent = new Everything { ServedBy = "??>>~~", Fields = new() { BytesValue = ByteString.CopyFrom(0xFB, 0xFF, 0xBF) } };

        await new ConnectInteropClient(handler.CreateClient(), options).QueryAsync(sent);

        var request = handler.Single;
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(request.Uri.AbsolutePath, Is.EqualTo("/twirp/twirp.connect.interop.ConnectInterop/Query"));
        Assert.That(request.Body, Is.Empty);
        Assert.That(request.Headers.ContainsKey("Connect-Protocol-Version"), Is.False, "a GET names the version in its query");
        var query = HttpUtility.ParseQueryString(request.Uri.Query);
        Assert.That(query["connect"], Is.EqualTo("v1"));
        Assert.That(query["encoding"], Is.EqualTo("proto"));
        Assert.That(query["base64"], Is.EqualTo("1"));
        Assert.That(query["compression"], Is.Null);
        Assert.That(query["message"], Does.Not.Contain("=").And.Not.Contain("+").And.Not.Contain("/"));
        Assert.That(ConnectProtocol.TryDecodeBase64(query["message"]!, out var bytes), Is.True);
        Assert.That(Everything.Parser.ParseFrom(bytes), Is.EqualTo(sent));
    }

    [Test]
    public async Task Json_GET_carries_the_message_percent_encoded()
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Status(200, "{}", "application/json"));
        var options = Connect(TwirpEncoding.Json);
        options.UseHttpGet = true;
        options.Json.EmitDefaultValues = false;

        await new ConnectInteropClient(handler.CreateClient(), options).QueryAsync(new Everything { ServedBy = "a&b=c ✓" });

        var query = HttpUtility.ParseQueryString(handler.Single.Uri.Query);
        Assert.That(query["encoding"], Is.EqualTo("json"));
        Assert.That(query["base64"], Is.Null);
        Assert.That(query["message"], Is.EqualTo("{\"served_by\":\"a&b=c ✓\"}"));
    }

    [Test]
    public async Task Gzipped_GET_carries_the_compressed_message_in_base64()
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Status(200, "{}", "application/json"));
        var options = Connect(TwirpEncoding.Json);
        options.UseHttpGet = true;
        options.RequestCompression = TwirpCompression.Gzip;
        options.Json.EmitDefaultValues = false;

        await new ConnectInteropClient(handler.CreateClient(), options).QueryAsync(new Everything { ServedBy = "zip" });

        var query = HttpUtility.ParseQueryString(handler.Single.Uri.Query);
        Assert.That(query["compression"], Is.EqualTo("gzip"));
        Assert.That(query["base64"], Is.EqualTo("1"));
        Assert.That(ConnectProtocol.TryDecodeBase64(query["message"]!, out var bytes), Is.True);
        Assert.That(System.Text.Encoding.UTF8.GetString(Gunzip(bytes)), Is.EqualTo("{\"served_by\":\"zip\"}"));
    }

    [Test]
    public async Task GET_falls_back_to_POST_when_the_url_would_be_too_long()
    {
        var handler = new RecordingHandler(_ => Proto(new Everything()));
        var options = Connect();
        options.UseHttpGet = true;

        await new ConnectInteropClient(handler.CreateClient(), options).QueryAsync(new Everything { ServedBy = new string('x', 10_000) });

        Assert.That(handler.Single.Method, Is.EqualTo(HttpMethod.Post));
    }

    [Test]
    public void GET_is_refused_under_Twirp_which_is_POST_only()
    {
        var handler = new RecordingHandler(_ => Proto(new Everything()));

        var error = Assert.Throws<ArgumentException>(() => new ConnectInteropClient(handler.CreateClient(), new TwirpClientOptions { UseHttpGet = true }));

        Assert.That(error!.Message, Does.Contain("Protocol = Connect"));
    }

    [Test]
    public async Task Gzip_request_compression_sends_a_gzipped_body_under_both_protocols([Values] TwirpProtocol protocol)
    {
        var handler = new RecordingHandler(_ => Proto(Fedora));
        var options = new TwirpClientOptions { Protocol = protocol, RequestCompression = TwirpCompression.Gzip };

        await new HaberdasherClient(handler.CreateClient(), options).MakeHatAsync(new Size { Inches = 12 });

        var request = handler.Single;
        Assert.That(Size.Parser.ParseFrom(Gunzip(request.Body)), Is.EqualTo(new Size { Inches = 12 }));
        Assert.That(request.Headers["Accept-Encoding"], Is.EqualTo("gzip"));
    }

    [Test]
    public async Task Gzipped_response_is_decompressed_under_both_protocols([Values] TwirpProtocol protocol)
    {
        var handler = new RecordingHandler(_ => Gzipped(200, Fedora.ToByteArray(), protocol == TwirpProtocol.Connect ? "application/proto" : "application/protobuf"));

        var hat = await new HaberdasherClient(handler.CreateClient(), new TwirpClientOptions { Protocol = protocol }).MakeHatAsync(new Size());

        Assert.That(hat, Is.EqualTo(Fedora));
    }

    [Test]
    public void Gzip_bomb_is_resource_exhausted_without_being_inflated_past_the_limit()
    {
        var handler = new RecordingHandler(_ => Gzipped(200, new byte[64 * 1024 * 1024], "application/proto"));
        var options = Connect();
        options.MaxResponseBodySize = 1024 * 1024;

        var error = Assert.ThrowsAsync<TwirpException>(() => new HaberdasherClient(handler.CreateClient(), options).MakeHatAsync(new Size()));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.ResourceExhausted));
    }

    [Test]
    public void Response_in_an_unknown_compression_is_an_internal_error()
    {
        var handler = new RecordingHandler(_ =>
        {
            var response = Proto(Fedora);
            response.Content.Headers.TryAddWithoutValidation("Content-Encoding", "br");
            return response;
        });

        var error = Assert.ThrowsAsync<TwirpException>(() => new HaberdasherClient(handler.CreateClient(), Connect()).MakeHatAsync(new Size()));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.Internal));
        Assert.That(error.Message, Does.Contain("'br'"));
    }

    [Test]
    public void Connect_error_body_gives_code_message_and_details()
    {
        var detail = new FailureDetail { Reason = "why", Number = 7 };
        var body = """{"code":"failed_precondition","message":"not yet","details":[{"type":"twirp.connect.interop.FailureDetail","value":"""
            + "\"" + ConnectProtocol.EncodeBase64(detail.ToByteArray()) + "\"" + ""","debug":{"reason":"why"}}]}""";
        var handler = new RecordingHandler(_ => RecordingHandler.Status(400, body, "application/json"));

        var error = Assert.ThrowsAsync<TwirpException>(() => new HaberdasherClient(handler.CreateClient(), Connect()).MakeHatAsync(new Size()));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.FailedPrecondition));
        Assert.That(error.Message, Is.EqualTo("not yet"));
        Assert.That(error.Meta, Is.Empty);
        Assert.That(error.Details, Has.Count.EqualTo(1));
        Assert.That(error.Details[0].Unpack<FailureDetail>(), Is.EqualTo(detail));
    }

    [Test]
    public void Gzipped_connect_error_body_is_read()
    {
        var handler = new RecordingHandler(_ => Gzipped(404, "{\"code\":\"not_found\",\"message\":\"no hat\"}"u8.ToArray(), "application/json"));

        var error = Assert.ThrowsAsync<TwirpException>(() => new HaberdasherClient(handler.CreateClient(), Connect()).MakeHatAsync(new Size()));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.NotFound));
        Assert.That(error.Message, Is.EqualTo("no hat"));
    }

    [Test]
    public void Unknown_connect_code_is_unknown_and_kept_in_meta()
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Status(500, "{\"code\":\"tea_time\",\"message\":\"later\"}", "application/json"));

        var error = Assert.ThrowsAsync<TwirpException>(() => new HaberdasherClient(handler.CreateClient(), Connect()).MakeHatAsync(new Size()));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.Unknown));
        Assert.That(error.Message, Is.EqualTo("later"));
        Assert.That(error.Meta["connect_code"], Is.EqualTo("tea_time"));
    }

    [TestCase(404, TwirpErrorCode.Unimplemented)]
    [TestCase(400, TwirpErrorCode.Internal)]
    [TestCase(429, TwirpErrorCode.Unavailable)]
    [TestCase(502, TwirpErrorCode.Unavailable)]
    [TestCase(401, TwirpErrorCode.Unauthenticated)]
    [TestCase(418, TwirpErrorCode.Unknown)]
    public void Status_without_a_connect_error_body_maps_by_Connects_table(int status, TwirpErrorCode expected)
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Status(status, "<html>proxy</html>", "text/html"));

        var error = Assert.ThrowsAsync<TwirpException>(() => new HaberdasherClient(handler.CreateClient(), Connect()).MakeHatAsync(new Size()));

        Assert.That(error!.Code, Is.EqualTo(expected));
        Assert.That(error.Meta["http_error_from_intermediary"], Is.EqualTo("true"));
        Assert.That(error.Meta["status_code"], Is.EqualTo(status.ToString()));
        Assert.That(error.Meta["body"], Is.EqualTo("<html>proxy</html>"));
    }

    [Test]
    public void Twirp_error_body_is_not_read_as_a_connect_error()
    {
        // A Twirp server answering a Connect client: its {"code","msg"} is not Connect's {"code","message"}.
        var handler = new RecordingHandler(_ => RecordingHandler.Status(404, "{\"code\":\"bad_route\",\"msg\":\"no such method\"}", "application/json"));

        var error = Assert.ThrowsAsync<TwirpException>(() => new HaberdasherClient(handler.CreateClient(), Connect()).MakeHatAsync(new Size()));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.Unknown), "bad_route is no Connect code");
        Assert.That(error.Meta["connect_code"], Is.EqualTo("bad_route"));
    }

    [Test]
    public async Task Connect_timeout_header_is_whole_milliseconds_rounded_up()
    {
        var handler = new RecordingHandler(_ => Proto(Fedora));
        var options = Connect();
        options.Timeout = TimeSpan.FromSeconds(2.0001);

        await new HaberdasherClient(handler.CreateClient(), options).MakeHatAsync(new Size());

        Assert.That(handler.Single.Headers["Connect-Timeout-Ms"], Is.EqualTo("2001"));
    }

    [Test]
    public void Timeout_under_Twirp_cancels_the_call_with_deadline_exceeded_and_sends_no_header()
    {
        var handler = new HangingHandler();
        var client = new HaberdasherClient(new HttpClient(handler) { BaseAddress = new Uri("http://twirp.test") },
            new TwirpClientOptions { Timeout = TimeSpan.FromMilliseconds(100) });

        var error = Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size()));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.DeadlineExceeded));
        Assert.That(error.InnerException, Is.InstanceOf<OperationCanceledException>());
        Assert.That(handler.Request!.Headers.Contains("Connect-Timeout-Ms"), Is.False);
    }

    [Test]
    public void Callers_own_cancellation_stays_an_OperationCanceledException_with_a_timeout_set()
    {
        var handler = new HangingHandler();
        var client = new HaberdasherClient(new HttpClient(handler) { BaseAddress = new Uri("http://twirp.test") },
            new TwirpClientOptions { Timeout = TimeSpan.FromSeconds(30) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        Assert.CatchAsync<OperationCanceledException>(() => client.MakeHatAsync(new Size(), cancel.Token));
    }

    [Test]
    public void Timeout_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TwirpClientOptions { Timeout = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new TwirpCallOptions { Timeout = TimeSpan.FromSeconds(-1) });
    }

    [Test]
    public async Task Interceptors_see_the_protocol_and_the_timeout()
    {
        var handler = new RecordingHandler(_ => Proto(Fedora));
        var seen = new SeeingInterceptor();
        var options = Connect();
        options.Timeout = TimeSpan.FromSeconds(3);
        options.Interceptors.Add(seen);

        await new HaberdasherClient(handler.CreateClient(), options).MakeHatAsync(new Size());

        Assert.That(seen.Protocol, Is.EqualTo(TwirpProtocol.Connect));
        Assert.That(seen.Timeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public void Connect_options_come_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Twirp:Clients:Haberdasher:BaseAddress"] = "http://hats.test",
            ["Twirp:Clients:Haberdasher:Protocol"] = "connect",
            ["Twirp:Clients:Haberdasher:UseHttpGet"] = "true",
            ["Twirp:Clients:Haberdasher:RequestCompression"] = "Gzip",
            ["Twirp:Clients:Haberdasher:Timeout"] = "00:00:02.5",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddTwirpClient<HaberdasherClient>();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<TwirpClientOptions>>().Get(HaberdasherTwirp.ServiceFullName);

        Assert.That(options.Protocol, Is.EqualTo(TwirpProtocol.Connect));
        Assert.That(options.UseHttpGet, Is.True);
        Assert.That(options.RequestCompression, Is.EqualTo(TwirpCompression.Gzip));
        Assert.That(options.Timeout, Is.EqualTo(TimeSpan.FromSeconds(2.5)));
    }

    /// <summary>Never answers: waits for the request's cancellation.</summary>
    private sealed class HangingHandler : HttpMessageHandler
    {
        public HttpRequestMessage? Request { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Request = request;
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    private sealed class SeeingInterceptor : TwirpClientInterceptor
    {
        public TwirpProtocol? Protocol { get; private set; }

        public TimeSpan? Timeout { get; private set; }

        public override Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpClientCallContext context, TwirpClientCallContinuation<TRequest, TResponse> continuation)
        {
            Protocol = context.Protocol;
            Timeout = context.Timeout;
            return continuation(request, context);
        }
    }
}
