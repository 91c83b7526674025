using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Google.Protobuf;
using NUnit.Framework;
using Twirp.Runtime.FaultTests.Protos;

namespace Twirp.Runtime.FaultTests;

/// <summary>
/// A hostile-client corpus over raw sockets against one real Kestrel server. Each class of input gets
/// its exact Twirp answer (or, where Kestrel rejects the bytes before any app runs, its 4xx or a clean
/// close); after each test no Twirp log entry is at Error level and a normal call still succeeds.
/// </summary>
[NonParallelizable]
public class HostileClientTests
{
    private const int Limit = 64 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private FaultServer _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await FaultServer.StartAsync(maxRequestBodySize: Limit);

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [SetUp]
    public void ClearLogs() => _server.Logs.Clear();

    [TearDown]
    public async Task Server_logged_no_twirp_error_and_still_serves()
    {
        Assert.That(_server.Logs.TwirpErrors, Is.Empty, "no Error-level log from Twirp");
        Assert.That(await TransportFailureTests.NormalCallAsync(_server), Is.EqualTo(TransportFailureTests.NormalAnswer));
    }

    private static Node RichNode(int depth = 3)
    {
        var node = new Node { Text = "hello \u00e9\u6f22", Data = ByteString.CopyFromUtf8("bytes"), Ratio = 0.25, Flag = true };
        node.Numbers.Add(new long[] { 1, -1, long.MaxValue, 300 });
        node.Labels["k"] = "v";
        if (depth > 0)
        {
            node.Child = RichNode(depth - 1);
        }
        return node;
    }

    /// <summary>Sends each body as a call on as few keep-alive connections as the server allows; returns every answer.</summary>
    private List<RawResponse> CallEach(IEnumerable<byte[]> bodies, string contentType)
    {
        var answers = new List<RawResponse>();
        var connection = _server.Connect();
        try
        {
            foreach (var body in bodies)
            {
                var answer = connection.Send(RawConnection.Request(FaultServer.EchoPath, contentType, body)) ? connection.ReadResponse(Timeout) : null;
                if (answer is null)
                {
                    Assert.Fail($"the server closed the connection instead of answering a {body.Length}-byte {contentType} body");
                }
                answers.Add(answer!);
                if (answer!.ClosesConnection)
                {
                    connection.Dispose();
                    connection = _server.Connect();
                }
            }
        }
        finally
        {
            connection.Dispose();
        }
        return answers;
    }

    private static void AssertServedOrMalformed(IEnumerable<RawResponse> answers)
    {
        var kinds = answers.Select(a => a.Status == 200 ? "200" : $"{a.Status} {a.TwirpCode}").Distinct().ToList();
        Assert.That(kinds, Is.SubsetOf(new[] { "200", "400 malformed" }));
    }

    [Test]
    public void Random_protobuf_bodies_are_served_or_malformed()
    {
        var random = new Random(9);
        var bodies = Enumerable.Range(0, 300).Select(_ =>
        {
            var body = new byte[random.Next(0, 400)];
            random.NextBytes(body);
            return body;
        }).ToList();

        var answers = CallEach(bodies, "application/protobuf");

        AssertServedOrMalformed(answers);
        Assert.That(answers.Count(a => a.Status == 400), Is.GreaterThan(100), "most random bytes are not a Node");
    }

    [Test]
    public void Mutated_protobuf_bodies_are_served_or_malformed()
    {
        var random = new Random(10);
        var valid = RichNode().ToByteArray();
        var bodies = Enumerable.Range(0, 300).Select(_ => Mutate(valid, random)).ToList();

        AssertServedOrMalformed(CallEach(bodies, "application/protobuf"));
    }

    [Test]
    public void Mutated_json_bodies_are_served_or_malformed()
    {
        var random = new Random(11);
        var valid = Encoding.UTF8.GetBytes("{\"text\":\"hi\",\"data\":\"Ynl0ZXM=\",\"numbers\":[\"1\",2,-3],\"labels\":{\"k\":\"v\"},\"child\":{\"ratio\":0.5,\"flag\":true,\"child\":{}}}");
        var bodies = Enumerable.Range(0, 300).Select(_ => Mutate(valid, random)).ToList();

        var answers = CallEach(bodies, "application/json");

        AssertServedOrMalformed(answers);
        Assert.That(answers.Count(a => a.Status == 400), Is.GreaterThan(50));
    }

    [Test]
    public void Truncated_protobuf_bodies_with_a_truthful_length_are_served_or_malformed()
    {
        var valid = RichNode().ToByteArray();
        var bodies = Enumerable.Range(0, valid.Length).Select(length => valid[..length]).ToList();

        var answers = CallEach(bodies, "application/protobuf");

        AssertServedOrMalformed(answers);
        Assert.That(answers.Count(a => a.Status == 400), Is.GreaterThan(valid.Length / 2));
    }

    [Test]
    public void Every_truncation_of_a_json_body_is_malformed()
    {
        var valid = Encoding.UTF8.GetBytes("{\"text\":\"hi\",\"numbers\":[1,2],\"labels\":{\"k\":\"v\"},\"child\":{\"flag\":true}}");
        var bodies = Enumerable.Range(0, valid.Length).Select(length => valid[..length]).ToList();

        var answers = CallEach(bodies, "application/json");

        Assert.That(answers.Select(a => (a.Status, a.TwirpCode)).Distinct(), Is.EqualTo(new[] { (400, "malformed") }));
    }

    [TestCase("application/protobuf", 30, 200)]
    [TestCase("application/protobuf", 101, 400)]
    [TestCase("application/protobuf", 5000, 400)]
    [TestCase("application/json", 30, 200)]
    [TestCase("application/json", 101, 400)]
    [TestCase("application/json", 5000, 400)]
    public void Deep_nesting_beyond_the_parsers_recursion_limit_is_malformed(string contentType, int depth, int status)
    {
        var body = contentType == "application/json" ? NestedJson(depth) : NestedProtobuf(depth);

        var answer = CallEach([body], contentType).Single();

        Assert.That(answer.Status, Is.EqualTo(status), answer.ToString());
        if (status == 400)
        {
            Assert.That(answer.TwirpCode, Is.EqualTo("malformed"));
        }
    }

    [Test]
    public void Json_of_unbounded_array_nesting_is_malformed()
    {
        var body = Encoding.ASCII.GetBytes("{\"numbers\":" + new string('[', 30_000) + new string(']', 30_000) + "}");

        var answer = CallEach([body], "application/json").Single();

        Assert.That((answer.Status, answer.TwirpCode), Is.EqualTo((400, "malformed")), answer.ToString());
    }

    [Test]
    public async Task Content_length_longer_than_the_body_then_end_of_stream_closes_without_an_answer()
    {
        using var connection = _server.Connect();

        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/json", contentLength: 100));
        connection.Send("{\"text\":\"a\"}");
        connection.ShutdownSend();

        await AssertEndedEarlyAsync(connection);
    }

    [Test]
    public async Task Chunked_body_ending_early_closes_without_an_answer()
    {
        using var connection = _server.Connect();

        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/json", contentLength: null, chunked: true));
        connection.Send("10\r\n{\"text\":");
        connection.ShutdownSend();

        await AssertEndedEarlyAsync(connection);
    }

    /// <summary>
    /// Kestrel takes the client's FIN for the end of the connection: the call ends <c>malformed</c> (the
    /// body was short) or <c>canceled</c> (the connection went first), at Debug, and nobody is left to
    /// read an answer.
    /// </summary>
    private async Task AssertEndedEarlyAsync(RawConnection connection)
    {
        Assert.That(connection.ReadResponse(Timeout), Is.Null, "closed without an answer");
        var call = await _server.Logs.WaitForAsync(e => e.Category == "Twirp.Server", Timeout);
        Assert.That(call?.Message, Is.AnyOf(
            "Twirp method twirp.fault.Fault/Echo answered with error malformed: failed to read request body",
            "Twirp method twirp.fault.Fault/Echo was canceled by the client."));
    }

    [Test]
    public void Content_length_longer_than_a_body_that_never_comes_is_deadline_exceeded_by_the_minimum_data_rate()
    {
        using var connection = _server.Connect();

        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/json", contentLength: 1000));
        connection.Send("{\"text\":");
        var answer = connection.ReadResponse(Timeout);

        Assert.That((answer?.Status, answer?.TwirpCode), Is.EqualTo(((int?)408, "deadline_exceeded")), answer?.ToString());
        Assert.That(connection.WaitForClose(Timeout), Is.True);
    }

    [Test]
    public void Content_length_shorter_than_the_body_answers_the_prefix_then_kestrel_rejects_the_rest_and_closes()
    {
        using var connection = _server.Connect();
        var body = Encoding.ASCII.GetBytes("{\"text\":\"a\"}");

        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/json", contentLength: 5));
        connection.Send(body);
        var first = connection.ReadResponse(Timeout);
        connection.Send("\r\n\r\n");
        var second = connection.ReadResponse(Timeout);

        Assert.That((first?.Status, first?.TwirpCode), Is.EqualTo(((int?)400, "malformed")), first?.ToString());
        Assert.That(second?.Status, Is.EqualTo(400).Or.Null, "Kestrel's own 400 for the leftover bytes, or a close");
        Assert.That(connection.WaitForClose(Timeout), Is.True);
    }

    [TestCase("zz\r\n", TestName = "Chunk size that is not hex")]
    [TestCase("-1\r\n", TestName = "Negative chunk size")]
    [TestCase("80000000\r\n", TestName = "Chunk size of 2^31")]
    [TestCase("5\r\nabcdefgh\r\n0\r\n\r\n", TestName = "Chunk longer than its size")]
    [TestCase("5\r\nabc\r\n0\r\n\r\n", TestName = "Chunk shorter than its size")]
    [TestCase("3\nabc\n0\n\n", TestName = "Bare LF line ends")]
    public void Broken_chunk_framing_is_malformed(string framing)
    {
        using var connection = _server.Connect();

        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/json", contentLength: null, chunked: true));
        connection.Send(Encoding.Latin1.GetBytes(framing));
        var answer = connection.ReadResponse(Timeout);

        Assert.That((answer?.Status, answer?.TwirpCode), Is.EqualTo(((int?)400, "malformed")), answer?.ToString());
        Assert.That(connection.WaitForClose(Timeout), Is.True, "a connection with broken framing is not reused");
    }

    [Test]
    public void Oversize_body_with_content_length_is_refused_before_it_is_sent_and_the_connection_closes()
    {
        using var connection = _server.Connect();

        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/protobuf", contentLength: 1L << 40));
        var answer = connection.ReadResponse(Timeout);

        Assert.That((answer?.Status, answer?.TwirpCode), Is.EqualTo(((int?)429, "resource_exhausted")), answer?.ToString());
        Assert.That(answer!.BodyText, Does.Contain($"the limit is {Limit} bytes"));
        Assert.That(answer.ClosesConnection, Is.True);
        Assert.That(connection.WaitForClose(Timeout), Is.True);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Oversize_body_streamed_in_full_is_refused_and_the_connection_closes(bool chunked)
    {
        using var connection = _server.Connect();
        var body = new byte[4 * Limit];
        Array.Fill(body, (byte)0x18); // field 3 varint 24, repeated: a valid message of any length

        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/protobuf", chunked ? null : body.Length, chunked));
        // The server may close before the client is done sending; that is the point.
        connection.Send(chunked ? RawConnection.Chunked(body, 4096) : body);
        var answer = connection.ReadResponse(Timeout);

        Assert.That((answer?.Status, answer?.TwirpCode), Is.EqualTo(((int?)429, "resource_exhausted")), answer?.ToString());
        Assert.That(connection.WaitForClose(Timeout), Is.True);
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(500)]
    public async Task Reset_mid_body_or_after_the_request_leaves_only_debug_logs(int bodyBytesSent)
    {
        var body = RichNode().ToByteArray();
        for (var i = 0; i < 10; i++)
        {
            using var connection = _server.Connect();
            connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/protobuf", contentLength: bodyBytesSent == 500 ? body.Length : 1000));
            connection.Send(body.AsSpan(0, Math.Min(bodyBytesSent, body.Length)));
            await Task.Delay(10);
            connection.Reset();
        }
        await Task.Delay(300);

        Assert.That(_server.Logs.Entries.Where(e => e.Category.StartsWith("Twirp", StringComparison.Ordinal)).Select(e => e.Level).Distinct(),
            Is.SubsetOf(new[] { Microsoft.Extensions.Logging.LogLevel.Debug }));
    }

    [TestCase("GARBAGE\r\n\r\n", TestName = "Request line that is not HTTP")]
    [TestCase("POST /twirp/twirp.fault.Fault/Echo HTTP/9.9\r\nHost: x\r\n\r\n", TestName = "Unknown HTTP version")]
    [TestCase("POST /twirp/twirp.fault.Fault/Echo HTTP/1.1\r\nHost x\r\n\r\n", TestName = "Header line without a colon")]
    [TestCase("POST /twirp/twirp.fault.Fault/Echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", TestName = "Two Content-Lengths")]
    [TestCase("POST /twirp/twirp.fault.Fault/Echo HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n", TestName = "Negative Content-Length")]
    [TestCase("POST /twirp/twirp.fault.Fault/Echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", TestName = "Transfer-Encoding without chunked")]
    [TestCase("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", TestName = "HTTP/2 preface on an HTTP/1 port")]
    [TestCase("\0\0\0\0\u0016\u0003\u0001\0\0\r\n\r\n", TestName = "TLS and NUL bytes")]
    public void Garbage_http_gets_kestrels_400_or_a_close_and_never_reaches_twirp(string garbage)
    {
        using var connection = _server.Connect();

        connection.Send(Encoding.Latin1.GetBytes(garbage));

        AssertRejectedAndClosed(connection);
        Assert.That(_server.Logs.Entries.Where(e => e.Category.StartsWith("Twirp", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void Random_garbage_streams_get_a_400_or_a_close()
    {
        var random = new Random(12);
        for (var i = 0; i < 30; i++)
        {
            using var connection = _server.Connect();
            var garbage = new byte[random.Next(1, 2000)];
            random.NextBytes(garbage);
            connection.Send(garbage);
            connection.Send("\r\n\r\n");

            AssertRejectedAndClosed(connection);
        }
    }

    /// <summary>Kestrel's own 4xx/5xx (or just a close) for bytes that are no HTTP request, then the connection closes.</summary>
    private static void AssertRejectedAndClosed(RawConnection connection)
    {
        RawResponse? answer = null;
        try
        {
            answer = connection.ReadResponse(Timeout);
        }
        catch (System.IO.IOException)
        {
            // A response cut off by the close counts as a close.
        }
        Assert.That(answer?.Status ?? 400, Is.InRange(400, 505), answer?.ToString());
        Assert.That(connection.WaitForClose(Timeout), Is.True);
    }

    [Test]
    public void Oversize_headers_get_kestrels_431()
    {
        using var connection = _server.Connect();

        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/json", 2, headers: "X-Big: " + new string('a', 40_000)));
        var answer = connection.ReadResponse(Timeout);

        Assert.That(answer?.Status, Is.EqualTo(431));
    }

    [Test]
    public void Headers_sent_slowly_are_cut_off_by_the_request_headers_timeout()
    {
        using var connection = _server.Connect();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        connection.Send("POST /twirp/twirp.fault.Fault/Echo HTTP/1.1\r\nHost: x\r\n");

        Assert.That(connection.WaitForClose(Timeout), Is.True);
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(6)), "RequestHeadersTimeout is 2 s in this server");
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = new List<byte>(valid);
        var edits = random.Next(1, 5);
        for (var i = 0; i < edits; i++)
        {
            var at = random.Next(0, bytes.Count + 1);
            switch (random.Next(4))
            {
                case 0 when at < bytes.Count:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 2 when at < bytes.Count:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
            }
        }
        return bytes.ToArray();
    }

    private static byte[] NestedProtobuf(int depth)
    {
        var node = new Node { Text = "leaf" };
        for (var i = 0; i < depth; i++)
        {
            node = new Node { Child = node };
        }
        // Written by hand below the encoder: Google.Protobuf writes any depth, only reading is limited.
        return node.ToByteArray();
    }

    private static byte[] NestedJson(int depth) =>
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"child\":", depth)) + "{}" + new string('}', depth));
}
