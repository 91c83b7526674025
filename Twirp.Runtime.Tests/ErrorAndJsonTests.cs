using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Twirp.Runtime.Tests;

public class ErrorCodeTests
{
    private static readonly (TwirpErrorCode Code, string Wire, int Status)[] Table =
    [
        (TwirpErrorCode.Canceled, "canceled", 408),
        (TwirpErrorCode.Unknown, "unknown", 500),
        (TwirpErrorCode.InvalidArgument, "invalid_argument", 400),
        (TwirpErrorCode.Malformed, "malformed", 400),
        (TwirpErrorCode.DeadlineExceeded, "deadline_exceeded", 408),
        (TwirpErrorCode.NotFound, "not_found", 404),
        (TwirpErrorCode.BadRoute, "bad_route", 404),
        (TwirpErrorCode.AlreadyExists, "already_exists", 409),
        (TwirpErrorCode.PermissionDenied, "permission_denied", 403),
        (TwirpErrorCode.Unauthenticated, "unauthenticated", 401),
        (TwirpErrorCode.ResourceExhausted, "resource_exhausted", 429),
        (TwirpErrorCode.FailedPrecondition, "failed_precondition", 412),
        (TwirpErrorCode.Aborted, "aborted", 409),
        (TwirpErrorCode.OutOfRange, "out_of_range", 400),
        (TwirpErrorCode.Unimplemented, "unimplemented", 501),
        (TwirpErrorCode.Internal, "internal", 500),
        (TwirpErrorCode.Unavailable, "unavailable", 503),
        (TwirpErrorCode.DataLoss, "data_loss", 500),
    ];

    private static IEnumerable<TestCaseData> Codes()
    {
        foreach (var (code, wire, status) in Table)
        {
            yield return new TestCaseData(code, wire, status).SetArgDisplayNames(wire);
        }
    }

    [Test]
    public void The_table_covers_every_code()
    {
        Assert.That(Table, Has.Length.EqualTo(System.Enum.GetValues<TwirpErrorCode>().Length));
    }

    [TestCaseSource(nameof(Codes))]
    public void Code_has_its_wire_name_and_http_status_and_parses_back(TwirpErrorCode code, string wire, int status)
    {
        Assert.That(code.ToWireName(), Is.EqualTo(wire));
        Assert.That(code.ToHttpStatus(), Is.EqualTo(status));
        Assert.That(TwirpErrorCodes.TryParse(wire, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(code));
    }

    [Test]
    public void Dataloss_without_underscore_is_read_as_data_loss()
    {
        Assert.That(TwirpErrorCodes.TryParse("dataloss", out var code), Is.True);
        Assert.That(code, Is.EqualTo(TwirpErrorCode.DataLoss));
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
    public void Helpers_build_the_common_errors_in_twirp_gos_shape()
    {
        var invalid = TwirpException.InvalidArgument("inches", "must be positive");
        var cause = new System.IO.IOException("disk");
        var internalError = TwirpException.Internal("storage failed", cause);
        var notFound = TwirpException.NotFound("no such hat");

        Assert.That((invalid.Code, invalid.Message, invalid.Meta["argument"]), Is.EqualTo((TwirpErrorCode.InvalidArgument, "inches must be positive", "inches")));
        Assert.That((internalError.Code, internalError.InnerException), Is.EqualTo((TwirpErrorCode.Internal, (System.Exception)cause)));
        Assert.That(notFound.Code, Is.EqualTo(TwirpErrorCode.NotFound));
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
