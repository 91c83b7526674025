using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using NUnit.Framework;
using Twirp.Client.Tests.Infrastructure;

namespace Twirp.Client.Tests.ClientCompat;

/// <summary>
/// The checks of Twirp Go's <c>clientcompat</c> tool (twitchtv/twirp <c>clientcompat/main.go</c>), run
/// against our generated <see cref="Twirp.ClientCompat.CompatServiceClient"/> in both encodings. The
/// server is written here the way Twirp Go's generated server answers (status by code, JSON error body),
/// independently of Twirp.Runtime, so the client is not only checked against our own server.
/// </summary>
[TestFixture(TwirpEncoding.Protobuf)]
[TestFixture(TwirpEncoding.Json)]
public class ClientCompatTests(TwirpEncoding encoding)
{
    private const string Prefix = "/twirp/twirp.clientcompat.CompatService/";

    private Func<Twirp.ClientCompat.Empty, IMessage> _noop = _ => new Twirp.ClientCompat.Empty();
    private Func<Twirp.ClientCompat.Req, IMessage> _method = _ => new Twirp.ClientCompat.Resp();
    private bool _methodCalled;
    private TestServerApp _server = null!;
    private Twirp.ClientCompat.CompatServiceClient _client = null!;

    /// <summary>Returned by a handler to answer with a Twirp error, like Go's <c>twirp.NewError</c>.</summary>
    private sealed record GoError(string Code, string Msg, Dictionary<string, string>? Meta = null) : IMessage
    {
        public Google.Protobuf.Reflection.MessageDescriptor Descriptor => throw new NotSupportedException();

        public int CalculateSize() => throw new NotSupportedException();

        public void MergeFrom(CodedInputStream input) => throw new NotSupportedException();

        public void WriteTo(CodedOutputStream output) => throw new NotSupportedException();
    }

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _server = await TestServerApp.StartAsync(app =>
        {
            app.MapPost(Prefix + "NoopMethod", context => Serve(context, Twirp.ClientCompat.Empty.Parser, request => _noop(request)));
            app.MapPost(Prefix + "Method", context => Serve(context, Twirp.ClientCompat.Req.Parser, request =>
            {
                _methodCalled = true;
                return _method(request);
            }));
        });
        _client = new Twirp.ClientCompat.CompatServiceClient(_server.CreateClient(), new TwirpClientOptions { Encoding = encoding });
    }

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [SetUp]
    public void Reset() => _methodCalled = false;

    [Test]
    public async Task Noop_without_error_succeeds()
    {
        _noop = _ => new Twirp.ClientCompat.Empty();

        var response = await _client.NoopMethodAsync(new Twirp.ClientCompat.Empty());

        Assert.That(response, Is.EqualTo(new Twirp.ClientCompat.Empty()));
    }

    public static IEnumerable<TwirpErrorCode> AllCodes => Enum.GetValues<TwirpErrorCode>();

    [TestCaseSource(nameof(AllCodes))]
    public void Error_code_from_the_server_is_parsed_with_its_message_and_meta(TwirpErrorCode code)
    {
        _noop = _ => new GoError(code.ToWireName(), "failed", new Dictionary<string, string> { ["retryable"] = "false", ["origin"] = "clientcompat" });

        var error = Assert.ThrowsAsync<TwirpException>(() => _client.NoopMethodAsync(new Twirp.ClientCompat.Empty()));

        Assert.That(error!.Code, Is.EqualTo(code));
        Assert.That(error.Message, Is.EqualTo("failed"));
        Assert.That(error.Meta, Is.EquivalentTo(new Dictionary<string, string> { ["retryable"] = "false", ["origin"] = "clientcompat" }));
    }

    [Test]
    public async Task Empty_request_gets_an_empty_response()
    {
        _method = _ => new Twirp.ClientCompat.Resp();

        var response = await _client.MethodAsync(new Twirp.ClientCompat.Req());

        Assert.That(_methodCalled, Is.True, "RPC Method was not called on server");
        Assert.That(response, Is.EqualTo(new Twirp.ClientCompat.Resp()));
    }

    [Test]
    public async Task Request_value_reaches_the_server_and_the_response_value_comes_back()
    {
        _method = request => request.V == "value"
            ? new Twirp.ClientCompat.Resp { V = 1 }
            : new GoError("invalid_argument", "V should be 'value'", new() { ["argument"] = "V" });

        var response = await _client.MethodAsync(new Twirp.ClientCompat.Req { V = "value" });

        Assert.That(_methodCalled, Is.True, "RPC Method was not called on server");
        Assert.That(response, Is.EqualTo(new Twirp.ClientCompat.Resp { V = 1 }));
    }

    [Test]
    public async Task Invalid_error_body_from_the_server_is_reported_as_internal()
    {
        await using var garbage = await TestServerApp.StartAsync(app => app.Run(async context =>
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("garbage");
        }));
        var client = new Twirp.ClientCompat.CompatServiceClient(garbage.CreateClient(), new TwirpClientOptions { Encoding = encoding });

        var error = Assert.ThrowsAsync<TwirpException>(() => client.NoopMethodAsync(new Twirp.ClientCompat.Empty()));

        Assert.That(error!.Code, Is.EqualTo(TwirpErrorCode.Internal));
    }

    /// <summary>Answers like Twirp Go's generated server: the message in the request's encoding, or a JSON error.</summary>
    private static async Task Serve<TRequest>(HttpContext context, MessageParser<TRequest> parser, Func<TRequest, IMessage> handle)
        where TRequest : IMessage<TRequest>
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var json = context.Request.ContentType == "application/json";
        var request = json ? parser.ParseJson(Encoding.UTF8.GetString(body.ToArray())) : parser.ParseFrom(body.ToArray());

        var result = handle(request);
        if (result is GoError error)
        {
            context.Response.StatusCode = GoStatus(error.Code);
            context.Response.ContentType = "application/json";
            var payload = new Dictionary<string, object> { ["code"] = error.Code, ["msg"] = error.Msg };
            if (error.Meta is { Count: > 0 })
            {
                payload["meta"] = error.Meta;
            }
            await context.Response.WriteAsync(JsonSerializer.Serialize(payload));
            return;
        }
        context.Response.StatusCode = 200;
        context.Response.ContentType = json ? "application/json" : "application/protobuf";
        if (json)
        {
            await context.Response.WriteAsync(new JsonFormatter(JsonFormatter.Settings.Default.WithFormatDefaultValues(true)).Format(result));
        }
        else
        {
            await context.Response.Body.WriteAsync(result.ToByteArray());
        }
    }

    /// <summary>Twirp Go's <c>ServerHTTPStatusFromErrorCode</c>, spelled out independently of Twirp.Core.</summary>
    private static int GoStatus(string code) => code switch
    {
        "canceled" => 408,
        "unknown" => 500,
        "invalid_argument" => 400,
        "malformed" => 400,
        "deadline_exceeded" => 408,
        "not_found" => 404,
        "bad_route" => 404,
        "already_exists" => 409,
        "permission_denied" => 403,
        "unauthenticated" => 401,
        "resource_exhausted" => 429,
        "failed_precondition" => 412,
        "aborted" => 409,
        "out_of_range" => 400,
        "unimplemented" => 501,
        "internal" => 500,
        "unavailable" => 503,
        "data_loss" => 500,
        _ => 500,
    };
}
