using System;
using System.Text.Json;
using System.Threading.Tasks;
using NUnit.Framework;
using Twirp.Client.Tests.Infrastructure;
using Twirp.Testing;

namespace Twirp.Client.Tests.ConnectInterop;

/// <summary>
/// <c>buf curl --protocol connect</c> (npm <c>@bufbuild/buf</c>, the Go binary of buf's CLI) calling our
/// server on Kestrel, with the descriptor set protoc wrote during the build as its schema.
/// </summary>
[Category("Interop")]
public class BufCurlTests
{
    private KestrelApp _server = null!;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await OurConnectInteropService.StartAsync(new OurConnectInteropService.Received());

    [OneTimeTearDown]
    public async Task StopServer()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> BufCurlAsync(string method, string json)
    {
        var schema = NodeProject.Connect.BuiltFile("gen/connect_interop.binpb");
        var url = new Uri(_server.BaseAddress, "twirp/twirp.connect.interop.ConnectInterop/" + method).ToString();
        string[] arguments = ["curl", "--protocol", "connect", "--schema", schema, "--data", json, url];
        return NodeProcess.RunToolAsync(NodeProject.Connect.Directory, "buf", arguments);
    }

    [Test]
    public async Task Buf_curl_calls_a_method_of_our_server()
    {
        var (exitCode, stdout, stderr) = await BufCurlAsync("Echo", """{"fields":{"int64Value":"9007199254740993","stringValue":"✓"},"servedBy":"buf"}""");

        Assert.That(exitCode, Is.Zero, stderr);
        using var answer = JsonDocument.Parse(stdout);
        Assert.That(answer.RootElement.GetProperty("servedBy").GetString(), Is.EqualTo("twirp-dotnet"));
        Assert.That(answer.RootElement.GetProperty("fields").GetProperty("int64Value").GetString(), Is.EqualTo("9007199254740993"));
        Assert.That(answer.RootElement.GetProperty("fields").GetProperty("stringValue").GetString(), Is.EqualTo("✓"));
    }

    [Test]
    public async Task Buf_curl_reports_our_error_with_its_code_and_message()
    {
        var (exitCode, _, stderr) = await BufCurlAsync("Fail", """{"code":"permission_denied","message":"not you"}""");

        Assert.That(exitCode, Is.Not.Zero);
        using var error = JsonDocument.Parse(stderr);
        Assert.That(error.RootElement.GetProperty("code").GetString(), Is.EqualTo("permission_denied"));
        Assert.That(error.RootElement.GetProperty("message").GetString(), Is.EqualTo("not you"));
    }
}
