using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;
using NUnit.Framework;
using Twirp.Runtime.Tests.ConnectProbe;

namespace Twirp.Runtime.Tests.Connect;

public class ConnectTimeoutTests
{
    private static ConnectServer s_server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => s_server = await ConnectServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await s_server.DisposeAsync();

    private static Dictionary<string, string> Timeout(string milliseconds) => new() { ["Connect-Timeout-Ms"] = milliseconds };

    // Conformance "Timeouts / unary": the handler outlives the timeout and the caller gets deadline_exceeded.
    [Test]
    public async Task Timeout_cancels_the_call_and_answers_deadline_exceeded_504()
    {
        var clock = Stopwatch.StartNew();
        var error = await ConnectErrorBody.ReadAsync(await s_server.SendAsync(
            ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "wait" }, headers: Timeout("200"))));

        Assert.That((error.Status, error.Code), Is.EqualTo((504, "deadline_exceeded")));
        Assert.That(clock.ElapsedMilliseconds, Is.GreaterThanOrEqualTo(190));
    }

    // connect-go checks the deadline before calling the handler and sends whatever the handler returns
    // (handler.go: ctx.Err() before the unary function, conn.Send after it): a handler that ignores its
    // token and succeeds late still gets its answer sent, as here. The client has usually stopped waiting.
    [Test]
    public async Task Handler_that_ignores_its_token_and_succeeds_past_the_timeout_gets_its_answer_sent_as_in_connect_go()
    {
        var response = await s_server.SendAsync(
            ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "stubborn", Size = 400 }, headers: Timeout("100")));

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        var body = ProbeResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.That((body.Command, body.Note), Is.EqualTo(("stubborn", "token fired")));
    }

    [Test]
    public async Task Timeout_is_the_contexts_deadline()
    {
        var response = await s_server.SendAsync(ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "deadline" }, headers: Timeout("60000")));
        var body = ProbeResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());

        Assert.That(double.Parse(body.Note), Is.InRange(50_000, 60_000));
    }

    [Test]
    public async Task Without_a_timeout_there_is_no_deadline()
    {
        var response = await s_server.SendAsync(ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "deadline" }));

        Assert.That(ProbeResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Note, Is.EqualTo("none"));
    }

    [TestCase("soon")]
    [TestCase("-1")]
    [TestCase("12345678901")]
    [TestCase("")]
    public async Task Malformed_timeout_is_invalid_argument(string value)
    {
        var error = await ConnectErrorBody.ReadAsync(await s_server.SendAsync(
            ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest(), headers: Timeout(value))));

        Assert.That((error.Status, error.Code), Is.EqualTo((400, "invalid_argument")));
        Assert.That(error.Message, Does.Contain("Connect-Timeout-Ms"));
    }

    [Test]
    public async Task Ten_digit_timeout_is_accepted()
    {
        var response = await s_server.SendAsync(ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "deadline" }, headers: Timeout("9999999999")));

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
    }
}
