using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Twirp.Runtime.Tests;

public class ErrorResponseTests
{
    // The code -> wire name and status table itself is Twirp.Core's (Twirp.Core.Tests); here every code
    // thrown by a handler must reach the client with exactly that name and status.
    private static IEnumerable<TestCaseData> Codes()
    {
        foreach (var code in System.Enum.GetValues<TwirpErrorCode>())
        {
            yield return new TestCaseData(code, code.ToWireName(), code.ToHttpStatus()).SetArgDisplayNames(code.ToWireName());
        }
    }

    [TestCaseSource(nameof(Codes))]
    public async Task Handler_error_travels_with_its_status(TwirpErrorCode code, string wire, int status)
    {
        await using var app = await TwirpTestApp.StartAsync(
            a => a.MapTwirp<EchoService>(),
            s => s.AddSingleton<CallProbe>().AddScoped<ScopedDependency>());

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync(EchoPaths.Say, $"{{\"text\":\"error:{wire}\"}}"));

        Assert.That((error.Status, error.Code), Is.EqualTo((status, wire)));
    }

    [Test]
    public async Task Detailed_errors_option_sends_the_exception_text_in_internal_errors()
    {
        await using var app = await TwirpTestApp.StartAsync(
            a => a.MapTwirp<EchoService>(),
            s => s.AddSingleton<CallProbe>().AddScoped<ScopedDependency>(),
            o => o.EnableDetailedErrors = true);

        var error = await TwirpErrorBody.ReadAsync(await app.PostJsonAsync(EchoPaths.Say, "{\"text\":\"boom\"}"));

        Assert.That(error.Code, Is.EqualTo("internal"));
        Assert.That(error.Msg, Does.Contain("System.InvalidOperationException: secret detail"));
    }
}

public class JsonOptionTests
{
    private static async Task<string> SayAsync(System.Action<TwirpOptions>? configure, string body = "{\"text\":\"\",\"repeat_count\":4}")
    {
        await using var app = await TwirpTestApp.StartAsync(
            a => a.MapTwirp<EchoService>(),
            s => s.AddSingleton<CallProbe>().AddScoped<ScopedDependency>(),
            configure);
        var response = await app.PostJsonAsync(EchoPaths.Say, body);
        return await response.Content.ReadAsStringAsync();
    }

    [Test]
    public async Task Default_output_is_compact_with_proto_names_and_default_values()
    {
        Assert.That(await SayAsync(null), Is.EqualTo("{\"text\":\"\",\"repeat_count\":4}"));
    }

    [Test]
    public async Task Camel_case_option_writes_lower_camel_case_names()
    {
        Assert.That(await SayAsync(o => o.Json = new TwirpJsonOptions { UseProtoNames = false }), Is.EqualTo("{\"text\":\"\",\"repeatCount\":4}"));
    }

    [Test]
    public async Task Skip_defaults_option_omits_fields_holding_their_default()
    {
        Assert.That(await SayAsync(o => o.Json = new TwirpJsonOptions { EmitDefaultValues = false }), Is.EqualTo("{\"repeat_count\":4}"));
    }

    [Test]
    public async Task Spaces_and_escapes_inside_strings_survive_compaction()
    {
        var output = await SayAsync(null, "{\"text\":\"a \\\"b\\\" c\\\\ d\\u00e9 \\ud83d\\ude00\"}");

        // Google.Protobuf escapes characters outside the BMP; that is valid JSON and stays escaped.
        Assert.That(output, Is.EqualTo("{\"text\":\"a \\\"b\\\" c\\\\ d\u00e9 \\ud83d\\ude00\",\"repeat_count\":0}"));
    }

    [Test]
    public async Task Per_service_json_options_override_the_global_ones()
    {
        await using var app = await TwirpTestApp.StartAsync(
            a => a.MapTwirp<EchoService>(),
            s => s.AddSingleton<CallProbe>().AddScoped<ScopedDependency>()
                .AddTwirp().AddServiceOptions<EchoService>(o => o.Json = new TwirpJsonOptions { UseProtoNames = false }));

        var response = await app.PostJsonAsync(EchoPaths.Say, "{\"repeat_count\":1}");

        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("{\"text\":\"\",\"repeatCount\":1}"));
    }
}
