using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using NUnit.Framework;
using Twirp.Client.Tests.Infrastructure;
using Twirp.Example.Haberdasher;

namespace Twirp.Client.Tests;

/// <summary>Non-200 responses and bad bodies become <see cref="TwirpException"/> the way Twirp Go's client maps them.</summary>
public class TwirpClientErrorTests
{
    private static TwirpException CallFailing(HttpResponseMessage response, TwirpClientOptions? options = null)
    {
        var handler = new RecordingHandler(_ => response);
        var client = new HaberdasherClient(handler.CreateClient(), options);
        return Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size { Inches = 1 }))!;
    }

    public static IEnumerable<TwirpErrorCode> AllCodes => Enum.GetValues<TwirpErrorCode>();

    [TestCaseSource(nameof(AllCodes))]
    public void Twirp_error_body_keeps_its_code_message_and_meta(TwirpErrorCode code)
    {
        var body = $"{{\"code\":\"{code.ToWireName()}\",\"msg\":\"it failed: {code}\",\"meta\":{{\"retry_after\":\"5s\",\"argument\":\"inches\"}}}}";

        var error = CallFailing(RecordingHandler.Status(code.ToHttpStatus(), body, "application/json"));

        Assert.That(error.Code, Is.EqualTo(code));
        Assert.That(error.Message, Is.EqualTo("it failed: " + code));
        Assert.That(error.Meta, Is.EquivalentTo(new Dictionary<string, string> { ["retry_after"] = "5s", ["argument"] = "inches" }));
    }

    [Test]
    public void Twirp_error_keeps_its_code_even_when_the_status_does_not_match_it()
    {
        var error = CallFailing(RecordingHandler.Status(500, "{\"code\":\"not_found\",\"msg\":\"no hat\"}", "application/json"));

        Assert.That(error.Code, Is.EqualTo(TwirpErrorCode.NotFound));
        Assert.That(error.Meta, Is.Empty);
    }

    [Test]
    public void Legacy_dataloss_spelling_is_read_as_data_loss()
    {
        var error = CallFailing(RecordingHandler.Status(500, "{\"code\":\"dataloss\",\"msg\":\"gone\"}", "application/json"));

        Assert.That(error.Code, Is.EqualTo(TwirpErrorCode.DataLoss));
    }

    [TestCase(400, TwirpErrorCode.Internal)]
    [TestCase(401, TwirpErrorCode.Unauthenticated)]
    [TestCase(403, TwirpErrorCode.PermissionDenied)]
    [TestCase(404, TwirpErrorCode.BadRoute)]
    [TestCase(429, TwirpErrorCode.ResourceExhausted)]
    [TestCase(502, TwirpErrorCode.Unavailable)]
    [TestCase(503, TwirpErrorCode.Unavailable)]
    [TestCase(504, TwirpErrorCode.Unavailable)]
    [TestCase(500, TwirpErrorCode.Unknown)]
    [TestCase(418, TwirpErrorCode.Unknown)]
    [TestCase(201, TwirpErrorCode.Unknown)]
    public void Body_that_is_not_a_twirp_error_maps_by_status_and_is_marked_as_from_an_intermediary(int status, TwirpErrorCode expected)
    {
        var error = CallFailing(RecordingHandler.Status(status, "<html>bad gateway</html>", "text/html"));

        Assert.That(error.Code, Is.EqualTo(expected));
        Assert.That(error.Message, Does.StartWith($"Error from intermediary with HTTP status code {status}"));
        Assert.That(error.Meta, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["http_error_from_intermediary"] = "true",
            ["status_code"] = status.ToString(),
            ["body"] = "<html>bad gateway</html>",
        }));
    }

    [TestCase("{\"msg\":\"no code\"}")]
    [TestCase("{\"code\":\"\",\"msg\":\"empty code\"}")]
    [TestCase("{\"code\":7}")]
    [TestCase("[\"code\",\"internal\"]")]
    [TestCase("")]
    public void Json_without_a_string_code_is_treated_as_an_intermediary_body(string body)
    {
        var error = CallFailing(RecordingHandler.Status(503, body, "application/json"));

        Assert.That(error.Code, Is.EqualTo(TwirpErrorCode.Unavailable));
        Assert.That(error.Meta["http_error_from_intermediary"], Is.EqualTo("true"));
        Assert.That(error.Meta["body"], Is.EqualTo(body));
    }

    [Test]
    public void Unknown_error_code_becomes_internal_with_the_body_in_meta()
    {
        const string body = "{\"code\":\"teapot\",\"msg\":\"short and stout\"}";

        var error = CallFailing(RecordingHandler.Status(418, body, "application/json"));

        Assert.That(error.Code, Is.EqualTo(TwirpErrorCode.Internal));
        Assert.That(error.Message, Is.EqualTo("invalid type returned from server error response: teapot"));
        Assert.That(error.Meta, Is.EquivalentTo(new Dictionary<string, string> { ["body"] = body }));
    }

    [TestCase(301)]
    [TestCase(302)]
    [TestCase(307)]
    [TestCase(308)]
    public void Redirect_becomes_internal_with_the_location_in_meta(int status)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status) { Headers = { Location = new Uri("https://elsewhere.test/login") } };

        var error = CallFailing(response);

        Assert.That(error.Code, Is.EqualTo(TwirpErrorCode.Internal));
        Assert.That(error.Message, Does.StartWith($"unexpected HTTP status code {status}").And.Contain("Location=\"https://elsewhere.test/login\""));
        Assert.That(error.Meta, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["http_error_from_intermediary"] = "true",
            ["status_code"] = status.ToString(),
            ["location"] = "https://elsewhere.test/login",
        }));
    }

    [Test]
    public void Undecodable_protobuf_success_body_is_an_internal_error_that_keeps_the_cause()
    {
        var error = CallFailing(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[] { 0x0A, 0xFF, 0x01 }) });

        Assert.That(error.Code, Is.EqualTo(TwirpErrorCode.Internal));
        Assert.That(error.Message, Is.EqualTo("failed to unmarshal proto response"));
        Assert.That(error.InnerException, Is.Not.Null);
    }

    [Test]
    public void Undecodable_json_success_body_is_an_internal_error()
    {
        var error = CallFailing(RecordingHandler.Status(200, "{\"inches\":", "application/json"), new TwirpClientOptions { Encoding = TwirpEncoding.Json });

        Assert.That(error.Code, Is.EqualTo(TwirpErrorCode.Internal));
        Assert.That(error.Message, Is.EqualTo("failed to unmarshal json response"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Success_body_over_the_size_limit_is_resource_exhausted(bool withContentLength)
    {
        var hat = new Hat { Name = new string('x', 200) };
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(hat);
        HttpContent content = withContentLength ? new ByteArrayContent(bytes) : new StreamContent(new UnknownLengthStream(bytes));

        var error = CallFailing(new HttpResponseMessage(HttpStatusCode.OK) { Content = content }, new TwirpClientOptions { MaxResponseBodySize = 100 });

        Assert.That(error.Code, Is.EqualTo(TwirpErrorCode.ResourceExhausted));
        Assert.That(error.Message, Does.Contain("100 bytes"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Success_body_exactly_at_the_size_limit_is_read(bool withContentLength)
    {
        var hat = new Hat { Name = new string('x', 98) };
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(hat);
        Assert.That(bytes, Has.Length.EqualTo(100));
        HttpContent content = withContentLength ? new ByteArrayContent(bytes) : new StreamContent(new UnknownLengthStream(bytes));
        var handler = new RecordingHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        var client = new HaberdasherClient(handler.CreateClient(), new TwirpClientOptions { MaxResponseBodySize = 100 });

        Assert.That(await client.MakeHatAsync(new Size()), Is.EqualTo(hat));
    }

    [Test]
    public async Task Large_body_is_read_whole_when_there_is_no_limit()
    {
        var hat = new Hat { Name = new string('x', 5_000_000) };
        var handler = new RecordingHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new UnknownLengthStream(Google.Protobuf.MessageExtensions.ToByteArray(hat))),
        });
        var client = new HaberdasherClient(handler.CreateClient(), new TwirpClientOptions { MaxResponseBodySize = null });

        Assert.That((await client.MakeHatAsync(new Size())).Name, Has.Length.EqualTo(5_000_000));
    }

    [Test]
    public void Error_body_over_the_size_limit_is_cut_and_mapped_by_status()
    {
        var error = CallFailing(RecordingHandler.Status(502, "<html>" + new string('x', 500) + "</html>", "text/html"), new TwirpClientOptions { MaxResponseBodySize = 64 });

        Assert.That(error.Code, Is.EqualTo(TwirpErrorCode.Unavailable));
        Assert.That(error.Meta["body"], Is.EqualTo("<html>" + new string('x', 58)));
    }

    [Test]
    public void Network_failure_is_unavailable_with_the_transport_exception_as_its_cause()
    {
        var refused = new HttpRequestException("connection refused");
        var handler = new RecordingHandler(_ => throw refused);
        var client = new HaberdasherClient(handler.CreateClient());

        var error = Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size()));

        Assert.That((error!.Code, error.Message), Is.EqualTo((TwirpErrorCode.Unavailable, "the server could not be reached: connection refused")));
        Assert.That(error.InnerException, Is.SameAs(refused));
    }

    [TestCase(TwirpProtocol.Twirp)]
    [TestCase(TwirpProtocol.Connect)]
    public async Task Error_body_cut_off_by_the_server_is_internal_with_the_status_kept_and_the_transport_failure_as_cause(TwirpProtocol protocol)
    {
        // Real Kestrel sends the status, the headers and part of the body, and drops the connection once
        // the client has the headers (an abort any earlier could discard them unsent).
        var headersReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelApp.StartAsync(app =>
            app.MapPost("/twirp/twirp.example.haberdasher.Haberdasher/MakeHat", async (HttpContext context) =>
            {
                context.Response.StatusCode = 503;
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = 1_000;
                await context.Response.WriteAsync("{\"code\":\"unavailable\",\"msg\":\"");
                await context.Response.Body.FlushAsync();
                await headersReceived.Task.WaitAsync(TimeSpan.FromSeconds(10));
                context.Abort();
            }));
        var hooked = new List<TwirpException>();
        var options = new TwirpClientOptions { Protocol = protocol, Hooks = { new TwirpClientHooks { Error = (_, error) => { hooked.Add(error); return ValueTask.CompletedTask; } } } };
        using var http = new HttpClient(new SignalOnHeaders(headersReceived) { InnerHandler = new SocketsHttpHandler() }) { BaseAddress = server.BaseAddress };
        var client = new HaberdasherClient(http, options);

        var error = Assert.ThrowsAsync<TwirpException>(() => client.MakeHatAsync(new Size { Inches = 1 }));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.Internal));
        Assert.That(error.Message, Does.StartWith("failed to read server error response body: "));
        Assert.That(error.Meta, Is.EquivalentTo(new Dictionary<string, string> { ["status_code"] = "503" }));
        Assert.That(error.InnerException, Is.InstanceOf<IOException>().Or.InstanceOf<HttpRequestException>());
        Assert.That(error.Message, Does.EndWith(error.InnerException!.Message));
        Assert.That(hooked, Is.EqualTo(new[] { error }));
    }

    [Test]
    public void Cancelled_call_surfaces_as_OperationCanceledException_without_sending()
    {
        var handler = RecordingHandler.Returning(new Hat());
        var client = new HaberdasherClient(handler.CreateClient());

        Assert.CatchAsync<OperationCanceledException>(() => client.MakeHatAsync(new Size(), new CancellationToken(canceled: true)));
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public async Task Cancelling_while_waiting_for_the_server_cancels_the_call()
    {
        var started = new TaskCompletionSource();
        var handler = new BlockingHandler(started);
        var client = new HaberdasherClient(new HttpClient(handler) { BaseAddress = new Uri("http://twirp.test") });
        using var cancellation = new CancellationTokenSource();

        var call = client.MakeHatAsync(new Size(), cancellation.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cancellation.Cancel();

        Assert.CatchAsync<OperationCanceledException>(async () => await call);
    }

    [Test]
    public void HttpClient_timeout_surfaces_as_TaskCanceledException_with_a_TimeoutException_inside()
    {
        var handler = new BlockingHandler(new TaskCompletionSource());
        var client = new HaberdasherClient(new HttpClient(handler) { BaseAddress = new Uri("http://twirp.test"), Timeout = TimeSpan.FromMilliseconds(50) });

        var error = Assert.ThrowsAsync<TaskCanceledException>(() => client.MakeHatAsync(new Size()));

        Assert.That(error!.InnerException, Is.InstanceOf<TimeoutException>());
    }

    /// <summary>A body without a Content-Length, delivered in small reads, like a chunked response.</summary>
    private sealed class UnknownLengthStream(byte[] data) : System.IO.MemoryStream(data)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 7));

        public override System.Threading.Tasks.ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer.Slice(0, Math.Min(buffer.Length, 7)), cancellationToken);
    }

    private sealed class SignalOnHeaders(TaskCompletionSource headersReceived) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            headersReceived.TrySetResult();
            return response;
        }
    }

    private sealed class BlockingHandler(TaskCompletionSource started) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
