using System;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using NUnit.Framework;
using Twirp.Runtime.FaultTests.Protos;

namespace Twirp.Runtime.FaultTests;

/// <summary>
/// How the server answers clients whose transport fails in a known way, on real Kestrel over raw
/// sockets: a client gone is <c>canceled</c> and logged at Debug, broken framing is <c>malformed</c>,
/// a body over the limit is <c>resource_exhausted</c>, and none of it is an Error log.
/// </summary>
public class TransportFailureTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static byte[] Protobuf(IMessage message) => message.ToByteArray();

    [Test]
    public async Task Client_resetting_mid_body_is_canceled_at_debug_not_an_internal_error()
    {
        await using var server = await FaultServer.StartAsync();
        const int Attempts = 20;

        for (var i = 0; i < Attempts; i++)
        {
            using var connection = server.Connect();
            connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/protobuf", contentLength: 1000));
            connection.Send(new byte[10]);
            await Task.Delay(20);
            connection.Reset();
        }

        // A reset can overtake the bytes before it (the receiver drops unread data on an RST), so that
        // request never becomes a call: most become one, not necessarily all.
        await server.Logs.WaitForAsync(_ => server.Logs.Entries.Count(e => e.Category == "Twirp.Server") >= Attempts, TimeSpan.FromSeconds(3));
        var calls = server.Logs.Entries.Where(e => e.Category == "Twirp.Server").ToList();
        Assert.That(server.Logs.TwirpErrors, Is.Empty);
        Assert.That(calls, Is.Not.Empty);
        // Canceled either way, at Debug: by the classified reset, or by RequestAborted if Kestrel signals it first.
        Assert.That(calls.Select(e => e.Level).Distinct(), Is.EqualTo(new[] { LogLevel.Debug }));
        Assert.That(calls.Select(e => e.Message).Distinct(), Is.SubsetOf(new[]
        {
            "Twirp method twirp.fault.Fault/Echo answered with error canceled: the request was canceled",
            "Twirp method twirp.fault.Fault/Echo was canceled by the client.",
        }));
        Assert.That(await NormalCallAsync(server), Is.EqualTo(NormalAnswer));
    }

    [TestCase("80000000")]
    [TestCase("ffffffffffffffff")]
    [TestCase("7fffffff0")]
    public async Task Chunk_size_of_two_to_the_31_or_more_is_malformed(string chunkSize)
    {
        await using var server = await FaultServer.StartAsync();
        using var connection = server.Connect();

        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/protobuf", contentLength: null, chunked: true));
        connection.Send(chunkSize + "\r\n");
        var response = connection.ReadResponse(Timeout);

        Assert.That((response?.Status, response?.TwirpCode), Is.EqualTo(((int?)400, "malformed")), response?.ToString());
        Assert.That(server.Logs.TwirpErrors, Is.Empty);
    }

    [TestCase(1)]
    [TestCase(7)]
    [TestCase(1024)]
    public async Task Chunked_body_of_exactly_the_limit_is_served_whatever_the_chunk_framing(int chunkSize)
    {
        const int Limit = 10_000;
        await using var server = await FaultServer.StartAsync(maxRequestBodySize: Limit);
        var body = Protobuf(new Node { Data = ByteString.CopyFrom(new byte[Limit - 3]) });
        Assert.That(body, Has.Length.EqualTo(Limit), "tag, two length bytes, data");
        using var connection = server.Connect();

        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/protobuf", contentLength: null, chunked: true));
        connection.Send(RawConnection.Chunked(body, chunkSize));
        var response = connection.ReadResponse(Timeout);

        Assert.That(response?.Status, Is.EqualTo(200), response?.ToString());
        Assert.That(Node.Parser.ParseFrom(response!.Body).Data.Length, Is.EqualTo(Limit - 3));
    }

    [TestCase(1)]
    [TestCase(1024)]
    public async Task Chunked_body_one_byte_over_the_limit_is_resource_exhausted_and_the_connection_closes(int chunkSize)
    {
        const int Limit = 10_000;
        await using var server = await FaultServer.StartAsync(maxRequestBodySize: Limit);
        var body = Protobuf(new Node { Data = ByteString.CopyFrom(new byte[Limit - 2]) });
        using var connection = server.Connect();

        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/protobuf", contentLength: null, chunked: true));
        connection.Send(RawConnection.Chunked(body, chunkSize));
        var response = connection.ReadResponse(Timeout);

        Assert.That((response?.Status, response?.TwirpCode), Is.EqualTo(((int?)429, "resource_exhausted")), response?.ToString());
        Assert.That(response!.ClosesConnection, Is.True, "the unread rest of the body is not drained");
        Assert.That(connection.WaitForClose(Timeout), Is.True);
        Assert.That(server.Logs.TwirpErrors, Is.Empty);
    }

    [Test]
    public async Task Client_resetting_right_after_its_request_logs_no_error()
    {
        await using var server = await FaultServer.StartAsync();
        // The handler answers after the client is gone, so sending the answer is what fails.
        var request = RawConnection.Request(FaultServer.SlowPath, "application/protobuf", Protobuf(new SlowRequest { DelayMs = 5000, IgnoreCancellation = true }));
        const int Attempts = 10;

        for (var i = 0; i < Attempts; i++)
        {
            using var connection = server.Connect();
            connection.Send(request);
            await Task.Delay(50);
            connection.Reset();
        }
        await server.Logs.WaitForAsync(_ => server.Logs.Entries.Count(e => e.Category == "Twirp.Server") >= Attempts, Timeout);

        var calls = server.Logs.Entries.Where(e => e.Category == "Twirp.Server").ToList();
        Assert.That(server.Logs.TwirpErrors, Is.Empty);
        Assert.That(calls.Select(e => (e.Level, e.Message)).Distinct(),
            Is.EqualTo(new[] { (LogLevel.Debug, "Twirp method twirp.fault.Fault/Slow was canceled by the client.") }));
        Assert.That(await NormalCallAsync(server), Is.EqualTo(NormalAnswer));
    }

    [TestCase("post")]
    [TestCase("Post")]
    [TestCase("pOST")]
    public async Task Method_other_than_upper_case_POST_is_bad_route_as_in_twirp_go(string method)
    {
        await using var server = await FaultServer.StartAsync();
        using var connection = server.Connect();

        connection.Send(RawConnection.Request(FaultServer.EchoPath, "application/json", "{}"u8.ToArray(), method));
        var response = connection.ReadResponse(Timeout);

        Assert.That((response?.Status, response?.TwirpCode), Is.EqualTo(((int?)404, "bad_route")), response?.ToString());
        Assert.That(response!.BodyText, Does.Contain($"unsupported method \\\"{method}\\\" (only POST is allowed)"));
    }

    [Test]
    public async Task Canceled_body_read_is_not_taken_for_the_end_of_the_body()
    {
        await using var server = await FaultServer.StartAsync();
        using var connection = server.Connect();
        var start = Protobuf(new Node { Text = "abc" });

        // A Content-Length of 100 with a valid message's first 5 bytes; the rest never comes.
        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/protobuf", contentLength: 100, headers: FaultServer.CancelBodyReadHeader + ": 300"));
        connection.Send(start);
        var response = connection.ReadResponse(Timeout);

        Assert.That((response?.Status, response?.TwirpCode), Is.EqualTo(((int?)408, "canceled")), response?.ToString());
        Assert.That(server.Logs.TwirpErrors, Is.Empty);
    }

    /// <summary>A normal JSON call's status and body, which every test expects to be fine after its hostile client.</summary>
    internal static async Task<string> NormalCallAsync(FaultServer server)
    {
        var response = await server.Client.PostAsync(FaultServer.EchoPath, new System.Net.Http.StringContent("{\"text\":\"still here\"}", Encoding.UTF8, "application/json"));
        return (int)response.StatusCode + " " + await response.Content.ReadAsStringAsync();
    }

    internal const string NormalAnswer = "200 {\"text\":\"still here\",\"data\":\"\",\"numbers\":[],\"labels\":{},\"ratio\":0,\"flag\":false}";
}
