using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using NUnit.Framework;
using Twirp.Testing;

namespace Twirp.Aot.Tests;

/// <summary>
/// Publishes AotServer (a generated Twirp server, Google.Protobuf 3.36.2) as NativeAOT once, starts the
/// native binary and calls it over protobuf and JSON with a message holding every field kind and the
/// well-known types. Needs a C toolchain and zlib's headers: installed with apt when missing and root.
/// </summary>
[TestFixture]
[NonParallelizable]
public class NativeAotTests
{
    private static readonly string ProjectDirectory = Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "AotServer");

    private string _work = null!;
    private string _binary = null!;
    private string _publishLog = null!;

    [OneTimeSetUp]
    public async Task PublishAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("The NativeAOT test publishes for linux-x64.");
        }
        await EnsureNativeToolchainAsync();
        _work = Directory.CreateTempSubdirectory("twirp-aot-").FullName;
        var stopwatch = Stopwatch.StartNew();
        // Its own artifacts folder: nothing shared with the solution's build running beside it.
        var (exitCode, output) = await RunAsync("dotnet", TimeSpan.FromMinutes(25),
            "publish", Path.GetFullPath(Path.Combine(ProjectDirectory, "AotServer.csproj")), "-c", "Release", "-r", "linux-x64",
            "-p:UseArtifactsOutput=true", "-p:ArtifactsPath=" + Path.Combine(_work, "artifacts"), "-o", Path.Combine(_work, "out"), "--nologo");
        _publishLog = output;
        TestContext.Progress.WriteLine($"NativeAOT publish: {stopwatch.Elapsed.TotalSeconds:F0} s");
        Assert.That(exitCode, Is.Zero, output);
        _binary = Path.Combine(_work, "out", "AotServer");
        Assert.That(File.Exists(_binary), output);
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        if (_work is not null)
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Test]
    public void Publish_reports_no_trim_or_aot_warning()
    {
        var warnings = Regex.Matches(_publishLog, @"warning (IL\d+)[^\r\n]*").Select(match => match.Value).Distinct().ToArray();

        Assert.That(warnings, Is.Empty, "Google.Protobuf 3.36.2 and the Twirp packages are clean under NativeAOT");
    }

    [Test]
    public async Task Native_server_answers_every_field_kind_over_protobuf_and_json()
    {
        await using var server = await NativeServer.StartAsync(_binary);
        using var http = new HttpClient { BaseAddress = server.Address };
        var sent = Everything();

        var overProtobuf = await new MirrorClient(http, new TwirpClientOptions()).EchoAsync(sent);
        var firstAnswer = server.SinceStart.Elapsed;
        var overJson = await new MirrorClient(http, new TwirpClientOptions { Encoding = TwirpEncoding.Json, Json = { TypeRegistry = Registry } }).EchoAsync(sent);

        var expected = sent.Clone();
        expected.ServedBy = "aot";
        Assert.That(overProtobuf, Is.EqualTo(expected));
        Assert.That(overJson, Is.EqualTo(expected));
        TestContext.Progress.WriteLine($"NativeAOT: first answer {firstAnswer.TotalMilliseconds:F0} ms after the process started");
    }

    [Test]
    public async Task Native_server_writes_json_with_proto_names_for_enums_and_well_known_types()
    {
        await using var server = await NativeServer.StartAsync(_binary);
        using var http = new HttpClient { BaseAddress = server.Address };
        var json = new JsonFormatter(JsonFormatter.Settings.Default.WithTypeRegistry(Registry)).Format(Everything());

        using var response = await http.PostAsync("/twirp/twirp.aot.Mirror/Echo", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.That(response.IsSuccessStatusCode, body);
        // Enum names come from [OriginalName] by reflection inside Google.Protobuf: the part trimming could break.
        Assert.That(body, Does.Contain("\"shade\":\"SHADE_DARK_RED\"").And.Contain("\"string_to_shade\":{\"k\":\"SHADE_DARK_RED\"}"));
        Assert.That(body, Does.Contain("\"timestamp\":\"2026-12-02T08:00:00.500Z\"").And.Contain("\"duration\":\"90.250s\""));
        Assert.That(body, Does.Contain("\"field_mask\":\"a.b,cD\"").And.Contain("\"@type\":\"type.googleapis.com/twirp.aot.Everything.Nested\""));
    }

    private static readonly TypeRegistry Registry = TypeRegistry.FromMessages(Twirp.Aot.Everything.Types.Nested.Descriptor);

    private static Everything Everything()
    {
        var nested = new Everything.Types.Nested { Name = "n", Values = { 1, -2 } };
        return new Everything
        {
            Int32Value = -32, Int64Value = -64_000_000_000, Uint32Value = 32, Uint64Value = ulong.MaxValue,
            Sint32Value = -5, Sint64Value = long.MinValue, Fixed32Value = 7, Fixed64Value = 8, Sfixed32Value = -9, Sfixed64Value = -10,
            FloatValue = 1.5f, DoubleValue = -2.25, BoolValue = true, StringValue = "héllo \"world\" 😀", BytesValue = ByteString.CopyFrom(0, 1, 255),
            Shade = Shade.DarkRed, Nested = nested, OptionalValue = 0,
            RepeatedInt64 = { 1, long.MaxValue }, RepeatedString = { "a", "" }, RepeatedShade = { Shade.DarkRed, Shade.Unspecified }, RepeatedNested = { nested },
            StringToInt32 = { ["x"] = 1 }, Int64ToNested = { [42] = nested }, StringToShade = { ["k"] = Shade.DarkRed },
            ChoiceNested = nested,
            Timestamp = Timestamp.FromDateTime(new DateTime(2026, 12, 2, 8, 0, 0, 500, DateTimeKind.Utc)),
            Duration = Duration.FromTimeSpan(TimeSpan.FromSeconds(90.25)),
            Int32Wrapper = 0, StringWrapper = "wrapped",
            StructValue = new Struct { Fields = { ["k"] = Value.ForList(Value.ForNumber(1), Value.ForNull()) } },
            Value = Value.ForString("v"), ListValue = new ListValue { Values = { Value.ForBool(false) } },
            FieldMask = FieldMask.FromString("a.b,c_d"), Empty = new Empty(), Any = Any.Pack(nested),
            BytesWrapper = ByteString.CopyFromUtf8("b"), DoubleWrapper = 0.5,
        };
    }

    private static async Task EnsureNativeToolchainAsync()
    {
        // The ILCompiler links with clang, or gcc when clang is missing.
        if ((HasCommand("clang") || HasCommand("gcc")) && File.Exists("/usr/include/zlib.h"))
        {
            return;
        }
        if (Environment.UserName != "root" || !HasCommand("apt-get"))
        {
            Assert.Ignore("NativeAOT needs clang and zlib's headers (apt-get install clang zlib1g-dev).");
        }
        await AptPackages.EnsureInstalledAsync(
            () => (HasCommand("clang") || HasCommand("gcc")) && File.Exists("/usr/include/zlib.h"),
            "NativeAOT needs clang and zlib's headers",
            "clang", "zlib1g-dev");
    }

    private static bool HasCommand(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(directory => File.Exists(Path.Combine(directory, name)));

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output + await error);
    }
}
