using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.Runtime.Tests.ConnectProbe;

namespace Twirp.Runtime.Tests.Connect;

public class CorsTests
{
    private const string Origin = "http://app.example";

    private static ConnectServer s_server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => s_server = await ConnectServer.StartAsync(
        configureServices: services => services.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(Origin).WithTwirpAndConnectHeaders("X-Header", "X-Trailer"))),
        configureApp: app => app.UseCors());

    [OneTimeTearDown]
    public async Task StopAsync() => await s_server.DisposeAsync();

    [Test]
    public async Task Preflight_of_a_Connect_call_allows_its_method_and_headers()
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, ConnectServer.QueryPath);
        preflight.Headers.Add("Origin", Origin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "connect-protocol-version,connect-timeout-ms,content-type,x-header");

        var response = await s_server.SendAsync(preflight);

        Assert.That((int)response.StatusCode, Is.EqualTo(204));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Origin"), Is.EqualTo(new[] { Origin }));
        Assert.That(response.Headers.GetValues("Access-Control-Allow-Methods").SelectMany(v => v.Split(',')), Does.Contain("GET"));
        var allowed = response.Headers.GetValues("Access-Control-Allow-Headers").SelectMany(v => v.Split(',')).Select(h => h.Trim().ToLowerInvariant());
        Assert.That(allowed, Is.SupersetOf(new[] { "connect-protocol-version", "connect-timeout-ms", "content-type", "x-header" }));
    }

    [Test]
    public async Task Cross_origin_answer_exposes_headers_and_trailers_the_client_reads()
    {
        var request = ConnectServer.Post(ConnectServer.UpdatePath, new ProbeRequest { Command = "metadata" });
        request.Headers.Add("Origin", Origin);

        var response = await s_server.SendAsync(request);

        var exposed = response.Headers.GetValues("Access-Control-Expose-Headers").SelectMany(v => v.Split(',')).Select(h => h.Trim());
        Assert.That(exposed, Is.SupersetOf(new[] { "Content-Encoding", "X-Header", "Trailer-X-Trailer" }));
        Assert.That(response.Headers.Contains("Trailer-X-Trailer"), Is.True);
    }
}
