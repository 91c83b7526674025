using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.Tasks;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Twirp.Runtime.Tests.Bare;
using Twirp.Runtime.Tests.Echo;

namespace Twirp.Runtime.Tests;

/// <summary>Routing, content types and the bad-request table, answered as Twirp Go v8.1 answers them.</summary>
public class ProtocolTests
{
    private TwirpTestApp _app = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _app = await TwirpTestApp.StartAsync(
            app =>
            {
                app.MapTwirp<EchoService>();
                app.MapTwirp<PingerService>();
                app.MapGet("/health", () => "ok");
                app.MapPost("/twirp/mine/Custom", () => "user endpoint");
            },
            services => services.AddSingleton<CallProbe>().AddScoped<ScopedDependency>());
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _app.DisposeAsync();

    [Test]
    public async Task Json_with_charset_and_upper_case_media_type_is_accepted_and_answered_as_json()
    {
        var content = new StringContent("{\"text\":\"hi\"}", Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("Application/JSON; charset=utf-8");

        var response = await _app.Client.PostAsync(EchoPaths.Say, content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo("application/json"));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{\"text\":\"hi\",\"repeat_count\":0}"));
    }

    [Test]
    public async Task Protobuf_request_gets_a_protobuf_response_with_its_content_length()
    {
        var response = await _app.PostProtobufAsync(EchoPaths.Say, new EchoRequest { Text = "hi", RepeatCount = 3 });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo("application/protobuf"));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(response.Content.Headers.ContentLength, Is.EqualTo(bytes.Length));
        Assert.That(EchoResponse.Parser.ParseFrom(bytes), Is.EqualTo(new EchoResponse { Text = "hi", RepeatCount = 3 }));
    }

    [Test]
    public async Task Empty_protobuf_body_is_the_default_message()
    {
        var response = await _app.PostProtobufAsync(EchoPaths.Say, new EchoRequest());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.Empty);
    }

    [Test]
    public async Task Json_input_accepts_proto_names_and_camel_case_and_ignores_unknown_fields()
    {
        var protoNames = await _app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"a\",\"repeat_count\":2,\"unknown\":{\"x\":[1]}}");
        var camelCase = await _app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"a\",\"repeatCount\":2}");

        Assert.That(await protoNames.Content.ReadAsStringAsync(), Is.EqualTo("{\"text\":\"a\",\"repeat_count\":2}"));
        Assert.That(await camelCase.Content.ReadAsStringAsync(), Is.EqualTo("{\"text\":\"a\",\"repeat_count\":2}"));
    }

    [Test]
    public async Task Package_less_service_routes_without_a_package()
    {
        var response = await _app.PostJsonAsync("/twirp/Pinger/Ping", "{\"from\":\"me\"}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(JsonParser.Default.Parse<PingResponse>(await response.Content.ReadAsStringAsync()).Reply, Is.EqualTo("pong to me"));
    }

    [TestCase("GET")]
    [TestCase("PUT")]
    [TestCase("DELETE")]
    public async Task Non_post_method_on_a_method_path_is_bad_route_404_not_405(string httpMethod)
    {
        var response = await _app.Client.SendAsync(new HttpRequestMessage(new HttpMethod(httpMethod), EchoPaths.Say));

        var error = await TwirpErrorBody.ReadAsync(response);
        Assert.That(error.Status, Is.EqualTo(404));
        Assert.That(error.Code, Is.EqualTo("bad_route"));
        Assert.That(error.Msg, Is.EqualTo($"unsupported method \"{httpMethod}\" (only POST is allowed)"));
        Assert.That(error.Meta["twirp_invalid_route"], Is.EqualTo(httpMethod + " " + EchoPaths.Say));
    }

    [Test]
    public async Task Non_post_method_on_an_unknown_path_under_the_prefix_is_bad_route()
    {
        var response = await _app.Client.GetAsync("/twirp/nope.Service/Method");

        var error = await TwirpErrorBody.ReadAsync(response);
        Assert.That((error.Status, error.Code), Is.EqualTo((404, "bad_route")));
        Assert.That(error.Meta["twirp_invalid_route"], Is.EqualTo("GET /twirp/nope.Service/Method"));
    }

    [Test]
    public async Task Unknown_service_under_the_prefix_is_bad_route_with_the_invalid_route_meta()
    {
        var response = await _app.PostJsonAsync("/twirp/twirp.runtime.tests.Nope/Say", "{}");

        var error = await TwirpErrorBody.ReadAsync(response);
        Assert.That((error.Status, error.Code), Is.EqualTo((404, "bad_route")));
        Assert.That(error.Msg, Is.EqualTo("no handler for path \"/twirp/twirp.runtime.tests.Nope/Say\""));
        Assert.That(error.Meta["twirp_invalid_route"], Is.EqualTo("POST /twirp/twirp.runtime.tests.Nope/Say"));
    }

    [Test]
    public async Task Unknown_method_of_a_known_service_is_bad_route()
    {
        var response = await _app.PostJsonAsync("/twirp/twirp.runtime.tests.Echo/Shout", "{}");

        var error = await TwirpErrorBody.ReadAsync(response);
        Assert.That((error.Status, error.Code), Is.EqualTo((404, "bad_route")));
        Assert.That(error.Meta["twirp_invalid_route"], Is.EqualTo("POST /twirp/twirp.runtime.tests.Echo/Shout"));
    }

    [Test]
    public async Task Method_name_in_the_wrong_case_is_bad_route_because_twirp_routes_are_case_sensitive()
    {
        var response = await _app.PostJsonAsync("/twirp/twirp.runtime.tests.Echo/say", "{}");

        var error = await TwirpErrorBody.ReadAsync(response);
        Assert.That((error.Status, error.Code), Is.EqualTo((404, "bad_route")));
    }

    [Test]
    public async Task Known_service_under_a_wrong_prefix_is_bad_route_naming_the_expected_prefix()
    {
        var response = await _app.PostJsonAsync("/api/twirp.runtime.tests.Echo/Say", "{}");

        var error = await TwirpErrorBody.ReadAsync(response);
        Assert.That((error.Status, error.Code), Is.EqualTo((404, "bad_route")));
        Assert.That(error.Msg, Is.EqualTo("invalid path prefix \"/api\", expected \"/twirp\", on path \"/api/twirp.runtime.tests.Echo/Say\""));
        Assert.That(error.Meta["twirp_invalid_route"], Is.EqualTo("POST /api/twirp.runtime.tests.Echo/Say"));
    }

    [TestCase("text/plain")]
    [TestCase("application/x-protobuf")]
    [TestCase(null)]
    public async Task Unsupported_content_type_is_bad_route(string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}"));
        if (contentType is not null)
        {
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        var response = await _app.Client.PostAsync(EchoPaths.Say, content);

        var error = await TwirpErrorBody.ReadAsync(response);
        Assert.That((error.Status, error.Code), Is.EqualTo((404, "bad_route")));
        Assert.That(error.Msg, Is.EqualTo($"unexpected Content-Type: \"{contentType}\""));
        Assert.That(error.Meta["twirp_invalid_route"], Is.EqualTo("POST " + EchoPaths.Say));
    }

    [TestCase("")]
    [TestCase("{")]
    [TestCase("[1,2]")]
    [TestCase("{\"repeat_count\":\"many\"}")]
    public async Task Json_body_that_fails_to_parse_is_malformed_400(string body)
    {
        var response = await _app.PostJsonAsync(EchoPaths.Say, body);

        var error = await TwirpErrorBody.ReadAsync(response);
        Assert.That((error.Status, error.Code), Is.EqualTo((400, "malformed")));
        Assert.That(error.Msg, Is.EqualTo("the json request could not be decoded"));
    }

    [Test]
    public async Task Protobuf_body_that_fails_to_parse_is_malformed_400()
    {
        var content = new ByteArrayContent([0x0A, 0x05, 0x68]); // field 1, length 5, one byte
        content.Headers.ContentType = new MediaTypeHeaderValue("application/protobuf");

        var response = await _app.Client.PostAsync(EchoPaths.Say, content);

        var error = await TwirpErrorBody.ReadAsync(response);
        Assert.That((error.Status, error.Code), Is.EqualTo((400, "malformed")));
        Assert.That(error.Msg, Is.EqualTo("the protobuf request could not be decoded"));
    }

    [Test]
    public async Task Handler_twirp_exception_is_answered_with_its_code_message_and_meta()
    {
        var response = await _app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"error:already_exists\"}");

        var error = await TwirpErrorBody.ReadAsync(response);
        Assert.That((error.Status, error.Code, error.Msg), Is.EqualTo((409, "already_exists", "it's already_exists")));
        Assert.That(error.Meta, Is.EqualTo(new System.Collections.Generic.Dictionary<string, string> { ["k"] = "v" }));
        Assert.That(error.Raw, Does.Contain("it's"), "the relaxed encoder writes ' as is, not \\u0027");
    }

    [Test]
    public async Task Handler_plain_exception_is_internal_500_without_its_detail()
    {
        var response = await _app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"boom\"}");

        var error = await TwirpErrorBody.ReadAsync(response);
        Assert.That((error.Status, error.Code, error.Msg), Is.EqualTo((500, "internal", "Internal error")));
        Assert.That(error.Raw, Does.Not.Contain("secret detail"));
    }

    [Test]
    public async Task Handler_returning_null_is_internal_500()
    {
        var response = await _app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"null\"}");

        var error = await TwirpErrorBody.ReadAsync(response);
        Assert.That((error.Status, error.Code), Is.EqualTo((500, "internal")));
    }

    [Test]
    public async Task Response_headers_set_by_the_handler_are_sent()
    {
        var response = await _app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"x\"}");

        Assert.That(response.Headers.GetValues("X-Echo"), Is.EqualTo(new[] { "yes" }));
    }

    [Test]
    public async Task User_endpoints_outside_and_inside_the_prefix_are_not_shadowed()
    {
        var health = await _app.Client.GetAsync("/health");
        var custom = await _app.Client.PostAsync("/twirp/mine/Custom", new StringContent(""));
        var unrelated = await _app.Client.GetAsync("/not/a/twirp/path");

        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await health.Content.ReadAsStringAsync(), Is.EqualTo("ok"));
        Assert.That(await custom.Content.ReadAsStringAsync(), Is.EqualTo("user endpoint"));
        Assert.That(unrelated.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(unrelated.Content.Headers.ContentLength ?? 0, Is.EqualTo(0), "an app's other 404s stay the app's");
    }
}
