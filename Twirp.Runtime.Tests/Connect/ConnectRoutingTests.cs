using System.Net.Http;
using System.Threading.Tasks;
using NUnit.Framework;
using Twirp.Runtime.Tests.ConnectProbe;

namespace Twirp.Runtime.Tests.Connect;

/// <summary>The answers Connect clients expect for a wrong HTTP method, codec or route.</summary>
public class ConnectRoutingTests
{
    private static ConnectServer s_server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => s_server = await ConnectServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await s_server.DisposeAsync();

    // Conformance "Connect Unexpected Requests / unexpected-verb": 405, no Connect error body.
    [TestCase("DELETE", ConnectServer.UpdatePath, "POST")]
    [TestCase("PUT", ConnectServer.QueryPath, "GET, POST")]
    [TestCase("PATCH", ConnectServer.UpdatePath, "POST")]
    public async Task Wrong_method_is_405_with_Allow_and_no_body(string method, string path, string allow)
    {
        var request = ConnectServer.Post(path, new ProbeRequest());
        request.Method = new HttpMethod(method);

        var response = await s_server.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(405));
        Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(allow.Split(", ")));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    [Test]
    public async Task Get_of_a_method_with_side_effects_is_405()
    {
        var response = await s_server.Client.GetAsync(ConnectServer.UpdatePath + "?connect=v1&encoding=json&message=%7B%7D");

        Assert.That((int)response.StatusCode, Is.EqualTo(405));
        Assert.That(response.Content.Headers.Allow, Is.EquivalentTo(new[] { "POST" }));
    }

    // Conformance "Connect Unexpected Requests / unexpected-codec": 415.
    [TestCase("application/foo")]
    [TestCase("application/protobuf")]
    [TestCase("application/connect+proto")]
    public async Task Unsupported_codec_is_415_with_Accept_Post(string contentType)
    {
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest());
        request.Content!.Headers.Remove("Content-Type");
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        var response = await s_server.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(415));
        Assert.That(response.Headers.GetValues("Accept-Post"), Is.EqualTo(new[] { "application/json, application/proto" }));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    // Conformance "Connect Unexpected Requests / unexpected-uri": 404, read as unimplemented.
    [TestCase("/twirp/connectrpc.conformance.v1.UnknownService/UnknownMethod")]
    [TestCase("/twirp/twirp.runtime.tests.connect.Probe/Unknown")]
    [TestCase("/twirp/twirp.runtime.tests.connect.Probe/query")]
    [TestCase("/TWIRP/twirp.runtime.tests.connect.Probe/Query")]
    public async Task Unknown_route_is_404_unimplemented(string path)
    {
        var error = await ConnectErrorBody.ReadAsync(await s_server.SendAsync(ConnectServer.Post(path, new ProbeRequest())));

        Assert.That((error.Status, error.Code), Is.EqualTo((404, "unimplemented")));
        Assert.That(error.Message, Does.Contain("path"));
    }

    [Test]
    public async Task Unknown_route_by_get_is_404_unimplemented_too()
    {
        var error = await ConnectErrorBody.ReadAsync(await s_server.Client.GetAsync("/twirp/twirp.runtime.tests.connect.Probe/Nope?connect=v1&encoding=json&message=%7B%7D"));

        Assert.That((error.Status, error.Code), Is.EqualTo((404, "unimplemented")));
    }
}
